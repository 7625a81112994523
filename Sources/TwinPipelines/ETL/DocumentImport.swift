import Foundation
import TwinCore
import TwinOrchestrator

/// A pipeline that loads documents from a local export (a LinkedIn data-export ZIP, say) for one
/// person: get-or-create the user, then load and upsert in one transaction.
public enum DocumentImport {
  /// What the import wrote: inserted, updated and unchanged documents.
  public static let summary = ArtifactKey<UpsertSummary>(step: "load_documents")

  /// - Parameters:
  ///   - name: the pipeline name, e.g. `linkedin_import`.
  ///   - source: what is imported (a path), recorded with the run.
  ///   - load: reads the export into documents attributed to the user.
  public static func pipeline(
    name: String, source: String, userFullName: String, warehouse: any DataWarehouse,
    load: @escaping @Sendable (User) async throws -> [RawDocument]
  ) throws -> Pipeline {
    let parameters = JSONValue.object([
      "user_full_name": .string(userFullName), "source": .string(source),
    ])
    return try Pipeline(
      name: name, parameters: parameters,
      steps: [
        DigitalDataETL.getOrCreateUser(fullName: userFullName, warehouse: warehouse),
        Step(
          summary, codeVersion: "1", dependsOn: [DigitalDataETL.user.step], parameters: parameters, cache: .disabled,
          outputName: "imported_documents"
        ) { context in
          let documents = try await load(try context.input(DigitalDataETL.user))
          let summary = try await warehouse.upsert(documents)
          var byCategory: [String: JSONValue] = [:]
          for category in DocumentCategory.allCases {
            byCategory[category.rawValue] = .int(documents.filter { $0.category == category }.count)
          }
          return (
            summary,
            [
              "source": .string(source), "documents": .int(documents.count),
              "categories": .object(byCategory), "inserted": .int(summary.inserted),
              "updated": .int(summary.updated), "unchanged": .int(summary.unchanged),
            ]
          )
        },
      ])
  }
}
