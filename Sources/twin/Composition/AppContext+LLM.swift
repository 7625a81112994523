import Foundation
import TwinCore
import TwinLLM
import TwinOpenAI
import TwinConfig
import TwinModelStore

extension AppContext {
  /// A GGUF language model by name (`twin models list`), trained model (`twin-sft@2`: its base
  /// with its adapter) or path, loaded; `pull` fetches a known model on first use.
  func languageModelContext(_ nameOrPath: String? = nil, pull: Bool = false) async throws -> LanguageModelContext {
    let name = nameOrPath ?? settings.llm.model
    if let (trained, adapter) = try await trainedModel(name) {
      if pull { try await ensureModel(trained.baseModel) }
      let base = try models.resolve(trained.baseModel)
      return try LanguageModelLoader.load(url: base.url, name: trained.label, adapter: adapter)
    }
    if pull { try await ensureModel(name) }
    let resolved = try models.resolve(name)
    return try LanguageModelLoader.load(url: resolved.url, name: resolved.name ?? resolved.url.lastPathComponent)
  }

  /// The in-process engine serving `model` (default `llm.model`), pulled on first use.
  func localLanguageModel(_ model: String? = nil, maxBatch: Int = 16) async throws -> LocalLanguageModel {
    LocalLanguageModel(
      try await languageModelContext(model, pull: true), maxBatch: maxBatch, jsonLimits: settings.llm.jsonLimits,
      prefixCacheBytes: settings.llm.prefixCacheBytes)
  }

  /// A one-sequence batcher for a conversation with `llm`: its prompt-prefix cache (sized by
  /// `llm.prefix_cache_mib`) keeps earlier turns' keys and values, so each turn prefills only
  /// what is new.
  func conversationBatcher(_ llm: LanguageModelContext) -> ContinuousBatcher {
    ContinuousBatcher(
      model: llm.model, tokenizer: llm.tokenizer, maxBatch: 1, prefixCacheBytes: settings.llm.prefixCacheBytes)
  }

  /// The LLM port's backend named by `llm.backend`: the in-process engine or an
  /// OpenAI-compatible server. `model` overrides `llm.model`.
  func languageModel(_ model: String? = nil) async throws -> any LanguageModelClient {
    let llm = settings.llm
    switch llm.backend {
    case "openai":
      guard !llm.baseURL.isEmpty else {
        throw TwinError.configuration("llm.backend is openai but llm.base_url (TWIN_LLM_BASE_URL) is not set")
      }
      let key = llm.apiKey.isEmpty ? ProcessInfo.processInfo.environment["OPENAI_API_KEY"] : llm.apiKey
      return try OpenAICompatibleClient(
        baseURL: llm.baseURL, model: model ?? llm.model, apiKey: key, timeoutSeconds: llm.timeoutSeconds)
    default:
      return try await localLanguageModel(model)
    }
  }
}
