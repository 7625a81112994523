import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import TwinCore

/// An MLflow tracking server's REST API (`/api/2.0/mlflow/…`), the calls Twin mirrors runs and
/// registered models with.
///
/// Every call is retried on connection errors, 429 and 5xx, with exponential back-off; MLflow's
/// own errors (`{error_code, message}`) become ``MLflowError/server(code:message:status:)``.
public struct MLflowClient: Sendable, CustomStringConvertible {
  /// The server's root, such as `http://127.0.0.1:5000`.
  public let baseURL: String
  /// Attempts per call, counting the first.
  public var attempts: Int
  /// The first back-off; each retry doubles it.
  public var backoff: Duration
  var timeout: TimeAmount
  /// `Basic …` from the URI's userinfo or `MLFLOW_TRACKING_USERNAME`/`_PASSWORD`; never printed.
  let authorization: String?

  /// One client for every MLflow call. Connection failures are not retried inside the pool
  /// (it would keep trying until the request's deadline): ``send`` retries with its own back-off.
  static let http: HTTPClient = {
    var configuration = HTTPClient.Configuration(timeout: .init(connect: .seconds(5)))
    configuration.connectionPool.retryConnectionEstablishment = false
    return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
  }()

  /// - Parameters:
  ///   - uri: the server's root; credentials in it (`http://user:password@host`) or in
  ///     `MLFLOW_TRACKING_USERNAME`/`MLFLOW_TRACKING_PASSWORD` are sent as basic auth and
  ///     removed from everything the client prints.
  /// - Throws: ``MLflowError/invalidURI(_:)`` unless `uri` is an http(s) URL.
  public init(
    uri: String, attempts: Int = 3, backoff: Duration = .milliseconds(200), timeoutSeconds: Double = 30,
    environment: [String: String] = ProcessInfo.processInfo.environment
  ) throws {
    guard var components = URLComponents(string: uri), let scheme = components.scheme, ["http", "https"].contains(scheme),
      components.host?.isEmpty == false
    else {
      throw MLflowError.invalidURI(CredentialRedaction.redact(uri))
    }
    let user = components.user.flatMap { $0.removingPercentEncoding } ?? environment["MLFLOW_TRACKING_USERNAME"]
    let password = components.password.flatMap { $0.removingPercentEncoding } ?? environment["MLFLOW_TRACKING_PASSWORD"]
    authorization = user.map { "Basic " + Data("\($0):\(password ?? "")".utf8).base64EncodedString() }
    components.user = nil
    components.password = nil
    let root = components.string ?? uri
    baseURL = root.hasSuffix("/") ? String(root.dropLast()) : root
    self.attempts = max(1, attempts)
    self.backoff = backoff
    timeout = .milliseconds(Int64(timeoutSeconds * 1000))
  }

  public var description: String { "MLflow at \(baseURL)" }

  /// Whether the server answers its health check (`GET /health`).
  public func isHealthy() async -> Bool {
    guard let data = try? await send(method: .GET, url: baseURL + "/health", body: nil, contentType: "") else { return false }
    return String(decoding: data, as: UTF8.self).contains("OK")
  }

  // MARK: - Experiments and runs

  /// The id of the experiment `name`, created when absent.
  public func experimentID(named name: String) async throws -> String {
    do {
      let found: ExperimentResponse = try await call(
        .GET, "experiments/get-by-name", query: ["experiment_name": name])
      return found.experiment.experimentID
    } catch MLflowError.server(let code, _, _) where code == "RESOURCE_DOES_NOT_EXIST" {
      do {
        let created: CreatedExperiment = try await call(.POST, "experiments/create", body: ["name": name])
        return created.experimentID
      } catch MLflowError.server(let code, _, _) where code == "RESOURCE_ALREADY_EXISTS" {
        // Another process created it in between.
        let found: ExperimentResponse = try await call(.GET, "experiments/get-by-name", query: ["experiment_name": name])
        return found.experiment.experimentID
      }
    }
  }

  /// Creates a run; returns its id and artifact URI.
  public func createRun(experimentID: String, name: String, startTime: Date, tags: [String: String]) async throws -> RunInfo {
    let body = CreateRun(
      experimentID: experimentID, runName: name, startTime: Self.milliseconds(startTime),
      tags: tags.sorted { $0.key < $1.key }.map { Tag(key: $0.key, value: $0.value) })
    let created: RunResponse = try await call(.POST, "runs/create", body: body)
    return created.run.info
  }

  /// The run of `experimentID` tagged `key` = `value`, if any.
  public func findRun(experimentID: String, tag key: String, value: String) async throws -> RunInfo? {
    let body = SearchRuns(experimentIDs: [experimentID], filter: "tags.`\(key)` = '\(value)'", maxResults: 1)
    let found: SearchRunsResponse = try await call(.POST, "runs/search", body: body)
    return found.runs?.first?.info
  }

  /// Logs metrics, parameters and tags, cutting them into batches MLflow accepts.
  public func logBatch(runID: String, metrics: [Metric] = [], parameters: [Tag] = [], tags: [Tag] = []) async throws {
    var (metrics, parameters, tags) = (metrics[...], parameters[...], tags[...])
    repeat {
      let batch = LogBatch(
        runID: runID, metrics: Array(metrics.prefix(1000)), params: Array(parameters.prefix(100)), tags: Array(tags.prefix(100)))
      (metrics, parameters, tags) = (metrics.dropFirst(1000), parameters.dropFirst(100), tags.dropFirst(100))
      let _: Empty = try await call(.POST, "runs/log-batch", body: batch)
    } while !metrics.isEmpty || !parameters.isEmpty || !tags.isEmpty
  }

  /// Ends a run: `FINISHED`, `FAILED` or `KILLED`.
  public func updateRun(runID: String, status: String, endTime: Date) async throws {
    let _: Empty = try await call(
      .POST, "runs/update", body: UpdateRun(runID: runID, status: status, endTime: Self.milliseconds(endTime)))
  }

  /// Uploads a file as an artifact of a run whose artifacts the server proxies
  /// (`mlflow-artifacts:/…`, the default of `mlflow server`).
  ///
  /// - Throws: ``MLflowError/unsupported(_:)`` for another artifact store.
  public func uploadArtifact(_ file: URL, path: String, artifactURI: String) async throws {
    let scheme = "mlflow-artifacts:"
    guard artifactURI.hasPrefix(scheme) else {
      throw MLflowError.unsupported(
        "the run's artifacts go to \(artifactURI), which Twin cannot upload to: start the server with proxied artifacts (the default)")
    }
    let root = artifactURI.dropFirst(scheme.count).trimmingCharacters(in: CharacterSet(charactersIn: "/"))
    let url = "\(baseURL)/api/2.0/mlflow-artifacts/artifacts/\(root)/\(path)"
    let data = try Data(contentsOf: file)
    try await send(method: .PUT, url: url, body: data, contentType: "application/octet-stream")
  }

  // MARK: - Registered models

  /// Creates the registered model `name` unless it exists.
  public func ensureRegisteredModel(_ name: String, description: String) async throws {
    do {
      let _: Empty = try await call(.POST, "registered-models/create", body: ["name": name, "description": description])
    } catch MLflowError.server(let code, _, _) where code == "RESOURCE_ALREADY_EXISTS" {}
  }

  /// The versions of `name`.
  public func modelVersions(of name: String) async throws -> [ModelVersionInfo] {
    var versions: [ModelVersionInfo] = []
    var token: String?
    repeat {
      var query = ["filter": "name='\(name.replacingOccurrences(of: "'", with: "\\'"))'", "max_results": "200"]
      if let token { query["page_token"] = token }
      let page: SearchVersionsResponse = try await call(.GET, "model-versions/search", query: query)
      versions += page.modelVersions ?? []
      token = page.nextPageToken
    } while token != nil
    return versions
  }

  /// Creates a version of `name` from `source` (under a run's artifacts, with its `runID`).
  public func createModelVersion(name: String, source: String, runID: String?, tags: [String: String], description: String)
    async throws -> ModelVersionInfo
  {
    let body = CreateVersion(
      name: name, source: source, runID: runID, tags: tags.sorted { $0.key < $1.key }.map { Tag(key: $0.key, value: $0.value) },
      description: description)
    let created: VersionResponse = try await call(.POST, "model-versions/create", body: body)
    return created.modelVersion
  }

  /// Deletes version `version` of `name`.
  public func deleteModelVersion(name: String, version: String) async throws {
    let _: Empty = try await call(.DELETE, "model-versions/delete", body: ["name": name, "version": version])
  }

  /// Points `alias` of `name` at `version`, moving it.
  public func setAlias(name: String, alias: String, version: String) async throws {
    let _: Empty = try await call(
      .POST, "registered-models/alias", body: ["name": name, "alias": alias, "version": version])
  }

  /// Deletes `alias` of `name`. MLflow reads a DELETE's parameters from its JSON body, not the query.
  public func deleteAlias(name: String, alias: String) async throws {
    let _: Empty = try await call(.DELETE, "registered-models/alias", body: ["name": name, "alias": alias])
  }

  // MARK: - Transport

  func call<Response: Decodable>(
    _ method: HTTPMethod, _ endpoint: String, query: [String: String] = [:], body: (some Encodable)? = Optional<Empty>.none
  ) async throws -> Response {
    var url = "\(baseURL)/api/2.0/mlflow/\(endpoint)"
    if !query.isEmpty {
      var components = URLComponents()
      components.queryItems = query.sorted { $0.key < $1.key }.map { URLQueryItem(name: $0.key, value: $0.value) }
      // `+` would read as a space in a query.
      url += "?" + (components.percentEncodedQuery ?? "").replacingOccurrences(of: "+", with: "%2B")
    }
    let data = try await send(
      method: method, url: url, body: try body.map { try JSONEncoder().encode($0) }, contentType: "application/json")
    do {
      return try JSONDecoder().decode(Response.self, from: data.isEmpty ? Data("{}".utf8) : data)
    } catch {
      throw MLflowError.malformedReply("\(endpoint): \(error)")
    }
  }

  @discardableResult
  func send(method: HTTPMethod, url: String, body: Data?, contentType: String) async throws -> Data {
    var delay = backoff
    for attempt in 1...attempts {
      var request = HTTPClientRequest(url: url)
      request.method = method
      if let authorization { request.headers.add(name: "Authorization", value: authorization) }
      if let body {
        request.headers.add(name: "Content-Type", value: contentType)
        request.body = .bytes(ByteBuffer(bytes: body))
      }
      let retryable: MLflowError
      do {
        let response = try await Self.http.execute(request, timeout: timeout)
        let data = Data(try await response.body.collect(upTo: 16 << 20).readableBytesView)
        if (200..<300).contains(response.status.code) { return data }
        let error = Self.error(status: response.status.code, data)
        guard response.status.code == 429 || response.status.code >= 500 else { throw error }
        retryable = error
      } catch let error as MLflowError {
        throw error
      } catch {
        retryable = .unreachable(CredentialRedaction.redact("\(baseURL) cannot be reached: \(error)"))
      }
      if attempt == attempts { throw retryable }
      try await Task.sleep(for: delay)
      delay *= 2
    }
    preconditionFailure("attempts is at least 1")
  }

  static func error(status: UInt, _ data: Data) -> MLflowError {
    if let body = try? JSONDecoder().decode(ErrorBody.self, from: data) {
      return .server(code: body.errorCode, message: body.message ?? "", status: status)
    }
    return .server(code: "HTTP_\(status)", message: String(decoding: data.prefix(300), as: UTF8.self), status: status)
  }

  static func milliseconds(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded()) }
}

/// What went wrong talking to MLflow.
public enum MLflowError: Error, Sendable, CustomStringConvertible {
  case invalidURI(String)
  /// The server could not be reached (after retries).
  case unreachable(String)
  /// The server's error, such as `RESOURCE_DOES_NOT_EXIST`.
  case server(code: String, message: String, status: UInt)
  case malformedReply(String)
  case unsupported(String)

  public var description: String {
    switch self {
    case .invalidURI(let uri): "tracking.mlflow_uri '\(uri)' is not an http(s) URL"
    case .unreachable(let why): why
    case .server(let code, let message, let status): "MLflow answered \(status) \(code): \(message)"
    case .malformedReply(let why): "MLflow's reply is not what its API documents: \(why)"
    case .unsupported(let why): why
    }
  }
}
