import Foundation
import TwinSQLite

func temporaryDirectory(_ label: String) throws -> URL {
  let dir = FileManager.default.temporaryDirectory.appendingPathComponent("twin-\(label)-\(UUID().uuidString)")
  try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
  return dir
}

func temporaryWorkspace() throws -> Workspace {
  try Workspace(path: try temporaryDirectory("ws").path)
}

/// A Handbook-format export written from the schema: users with `_id`, articles with a null
/// Subtitle and a `language`, a post with an image, a repository.
enum HandbookFixture {
  static let userID = "dc170700-6f79-4ebb-bad9-27ed156f8801"
  static let users = """
    [
        {"first_name": "Paul", "last_name": "Iusztin", "_id": "\(userID)"},
        {"first_name": "Maxime", "last_name": "Labonne", "_id": "5cbfb717-a10e-4f70-bad6-e672c7988a1e"}
    ]
    """
  static let articles = """
    [{"content": {"Title": "DML: Top 6 ML Platform Features", "Subtitle": null, "Content": "Text of the article\\n\\n* * *\\n", "language": "en"},
      "platform": "decodingml.substack.com", "author_id": "\(userID)", "author_full_name": "Paul Iusztin",
      "link": "https://decodingml.substack.com/p/dml-top-6-ml-platform-features-you?r=1ttoeh",
      "_id": "c389b7c9-ca21-4863-9d91-1807c3dc6cab"},
     {"content": {"Title": "Fine-tune Llama 3", "Subtitle": "With ORPO", "Content": "Body"},
      "platform": "medium", "author_id": "5cbfb717-a10e-4f70-bad6-e672c7988a1e", "author_full_name": "Maxime Labonne",
      "link": "https://medium.com/@mlabonne/orpo", "_id": "0a4c9c4e-8a43-4a53-9d1e-7a2b0f3c1d11"}]
    """
  static let posts = """
    [{"content": {"Content": "Shipping a feature pipeline today."}, "platform": "linkedin", "author_id": "\(userID)",
      "author_full_name": "Paul Iusztin", "link": null, "image": "https://media.licdn.com/x.png",
      "_id": "7d4e0d1f-0b6b-4a0e-8f43-0c3a56b2d001"}]
    """
  static let repositories = """
    [{"content": {"README.md": "# Repo\\n\\n    indented code\\n", "src/main.py": "def f():\\n    return 1\\n"},
      "platform": "github", "author_id": "\(userID)", "author_full_name": "Paul Iusztin", "name": "llm-twin",
      "link": "https://github.com/decodingml/llm-twin-course", "_id": "9b0f6a7a-2f1d-4d2e-a1b3-55d0e0f4a002"}]
    """

  static func write(to dir: URL, articles: String = articles) throws {
    try users.write(to: dir.appendingPathComponent("UserDocument.json"), atomically: true, encoding: .utf8)
    try articles.write(to: dir.appendingPathComponent("ArticleDocument.json"), atomically: true, encoding: .utf8)
    try posts.write(to: dir.appendingPathComponent("PostDocument.json"), atomically: true, encoding: .utf8)
    try repositories.write(to: dir.appendingPathComponent("RepositoryDocument.json"), atomically: true, encoding: .utf8)
  }
}
