/// How much memory the in-process engine keeps of recent prompts' keys and values, so that a
/// later prompt starting the same way (a shared system turn, a conversation sent again with one
/// more turn) computes only what is new. Setting: `llm.prefix_cache_mib`.
public enum PromptCacheLimits {
  /// The default, in MiB: about 4,700 positions of Qwen 2.5 1.5B, 5,700 of SmolLM2-135M.
  public static let defaultMiB = 128
  /// The values `llm.prefix_cache_mib` accepts; 0 turns the cache off.
  public static let mibRange = 0...65_536
}
