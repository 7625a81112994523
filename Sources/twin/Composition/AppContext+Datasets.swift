import Foundation
import TwinCore
import TwinConfig
import TwinModelStore

extension AppContext {
  /// The model that writes dataset instructions: `explicit`, else `datasets.teacher`, else
  /// (local engine) qwen2.5-coder-1.5b-instruct when it is pulled, else `llm.model`, with a
  /// warning that says how to get the better teacher.
  func datasetTeacherName(_ explicit: String?) -> (name: String, warning: String?) {
    if let explicit, !explicit.isEmpty { return (explicit, nil) }
    if !settings.datasetTeacher.isEmpty { return (settings.datasetTeacher, nil) }
    guard settings.llm.backend == "local" else { return (settings.llm.model, nil) }
    let preferred = KnownModel.qwen25Coder.name
    if (try? models.resolve(preferred)) != nil { return (preferred, nil) }
    return (
      settings.llm.model,
      "\(preferred), the default dataset teacher, is not pulled: writing instructions with \(settings.llm.model), " +
        "which gives weaker data (`twin models pull \(preferred)` fixes it)"
    )
  }

  /// The teacher and the base model on the LLM port; one client when they are the same model.
  func datasetModels(teacher: String, base: String?) async throws -> (teacher: any LanguageModelClient, base: any LanguageModelClient) {
    let teacherClient = try await languageModel(teacher)
    let baseName = base ?? settings.llm.model
    if baseName == teacher { return (teacherClient, teacherClient) }
    return (teacherClient, try await languageModel(baseName))
  }
}
