import Foundation

// MLflow's REST messages, as its API documents them: snake_case keys, ids as strings, times in
// milliseconds; fields a reply leaves out when empty are optional.

extension MLflowClient {
  /// A key and a string value: a tag or a parameter.
  public struct Tag: Codable, Sendable, Hashable {
    public var key: String
    public var value: String

    public init(key: String, value: String) {
      self.key = key
      self.value = value
    }
  }

  /// One value of a metric at a step.
  public struct Metric: Codable, Sendable, Hashable {
    public var key: String
    /// NaN and the infinities are sent as MLflow spells them.
    public var value: Double
    /// Milliseconds since the epoch.
    public var timestamp: Int64
    public var step: Int64

    public init(key: String, value: Double, timestamp: Int64, step: Int64) {
      self.key = key
      self.value = value
      self.timestamp = timestamp
      self.step = step
    }

    public func encode(to encoder: any Encoder) throws {
      var container = encoder.container(keyedBy: CodingKeys.self)
      try container.encode(key, forKey: .key)
      // JSON has no NaN; MLflow reads these strings as the values.
      if value.isNaN {
        try container.encode("NaN", forKey: .value)
      } else if value.isInfinite {
        try container.encode(value > 0 ? "Infinity" : "-Infinity", forKey: .value)
      } else {
        try container.encode(value, forKey: .value)
      }
      try container.encode(timestamp, forKey: .timestamp)
      try container.encode(step, forKey: .step)
    }
  }

  /// A run's identity and where its artifacts go.
  public struct RunInfo: Decodable, Sendable {
    public var runID: String
    public var artifactURI: String?

    enum CodingKeys: String, CodingKey {
      case runID = "run_id"
      case artifactURI = "artifact_uri"
    }
  }

  /// A registered model's version.
  public struct ModelVersionInfo: Decodable, Sendable {
    public var name: String
    public var version: String
    public var tags: [Tag]?
    public var aliases: [String]?
  }

  struct Empty: Codable {}

  struct ErrorBody: Decodable {
    var errorCode: String
    var message: String?

    enum CodingKeys: String, CodingKey {
      case errorCode = "error_code"
      case message
    }
  }

  struct ExperimentResponse: Decodable {
    struct Experiment: Decodable {
      var experimentID: String
      enum CodingKeys: String, CodingKey { case experimentID = "experiment_id" }
    }
    var experiment: Experiment
  }

  struct CreatedExperiment: Decodable {
    var experimentID: String
    enum CodingKeys: String, CodingKey { case experimentID = "experiment_id" }
  }

  struct CreateRun: Encodable {
    var experimentID: String
    var runName: String
    var startTime: Int64
    var tags: [Tag]
    enum CodingKeys: String, CodingKey {
      case experimentID = "experiment_id"
      case runName = "run_name"
      case startTime = "start_time"
      case tags
    }
  }

  struct RunResponse: Decodable {
    struct Run: Decodable { var info: RunInfo }
    var run: Run
  }

  struct SearchRuns: Encodable {
    var experimentIDs: [String]
    var filter: String
    var maxResults: Int
    enum CodingKeys: String, CodingKey {
      case experimentIDs = "experiment_ids"
      case filter
      case maxResults = "max_results"
    }
  }

  struct SearchRunsResponse: Decodable {
    var runs: [RunResponse.Run]?
  }

  struct LogBatch: Encodable {
    var runID: String
    var metrics: [Metric]
    var params: [Tag]
    var tags: [Tag]
    enum CodingKeys: String, CodingKey {
      case runID = "run_id"
      case metrics, params, tags
    }
  }

  struct UpdateRun: Encodable {
    var runID: String
    var status: String
    var endTime: Int64
    enum CodingKeys: String, CodingKey {
      case runID = "run_id"
      case status
      case endTime = "end_time"
    }
  }

  struct CreateVersion: Encodable {
    var name: String
    var source: String
    var runID: String?
    var tags: [Tag]
    var description: String
    enum CodingKeys: String, CodingKey {
      case name, source
      case runID = "run_id"
      case tags, description
    }
  }

  struct VersionResponse: Decodable {
    var modelVersion: ModelVersionInfo
    enum CodingKeys: String, CodingKey { case modelVersion = "model_version" }
  }

  struct SearchVersionsResponse: Decodable {
    var modelVersions: [ModelVersionInfo]?
    var nextPageToken: String?
    enum CodingKeys: String, CodingKey {
      case modelVersions = "model_versions"
      case nextPageToken = "next_page_token"
    }
  }
}
