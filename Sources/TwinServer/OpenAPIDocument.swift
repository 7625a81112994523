import TwinCore

/// The OpenAPI 3.1 description of `twin serve api`, served at `/openapi.json`. The tests call
/// every path it lists and check each documented route answers as described.
enum OpenAPIDocument {
  static func ref(_ name: String) -> JSONValue { ["$ref": .string("#/components/schemas/\(name)")] }

  static func json(_ schema: JSONValue, _ description: String) -> JSONValue {
    ["description": .string(description), "content": ["application/json": ["schema": schema]]]
  }

  static let errorResponse = json(ref("Error"), "The request was refused; `error.message` says why.")

  static let document: JSONValue = [
    "openapi": "3.1.0",
    "info": [
      "title": "Twin business service",
      "version": "1.0.0",
      "description":
        "Answers questions from an author's writing (RAG), online, as asynchronous jobs, with feedback. Every answer carries a trace id (`twin traces show <id>`).",
    ],
    "security": [["bearer": []]],
    "paths": [
      "/rag": [
        "post": [
          "summary": "Answer a question with sources",
          "description":
            "Guardrails, self-query, query expansion, filtered vector search, rerank and generation. With `stream: true` the reply is server-sent events: `token` events ({text}), then one `answer` event (a RAGAnswer) or one `error` event.",
          "requestBody": ["required": true, "content": ["application/json": ["schema": ref("RAGRequest")]]],
          "responses": [
            "200": [
              "description": "The answer (or an event stream when `stream` is true).",
              "content": [
                "application/json": ["schema": ref("RAGAnswer")], "text/event-stream": ["schema": ref("Event")],
              ],
            ],
            "400": errorResponse, "401": errorResponse, "404": errorResponse, "422": errorResponse,
            "429": errorResponse, "500": errorResponse, "503": errorResponse,
          ],
        ]
      ],
      "/rag/jobs": [
        "post": [
          "summary": "Queue a question; answered in the background",
          "requestBody": ["required": true, "content": ["application/json": ["schema": ref("RAGRequest")]]],
          "responses": [
            "202": json(ref("Job"), "The queued job."), "400": errorResponse, "401": errorResponse,
            "429": errorResponse,
          ],
        ]
      ],
      "/rag/jobs/{id}": [
        "get": [
          "summary": "A job's status and, once done, its result",
          "parameters": [["name": "id", "in": "path", "required": true, "schema": ["type": "string"]]],
          "responses": ["200": json(ref("Job"), "The job."), "404": errorResponse, "401": errorResponse],
        ]
      ],
      "/feedback": [
        "post": [
          "summary": "Store a user's judgement of an answer, with its trace",
          "requestBody": ["required": true, "content": ["application/json": ["schema": ref("Feedback")]]],
          "responses": [
            "201": json(["type": "object"], "Stored."), "400": errorResponse, "404": errorResponse,
            "401": errorResponse,
          ],
        ]
      ],
      "/health": [
        "get": [
          "summary": "Liveness and the model in use", "security": [],
          "responses": ["200": json(["type": "object"], "The service is up.")],
        ]
      ],
      "/metrics": [
        "get": [
          "summary": "Prometheus metrics",
          "responses": [
            "200": ["description": "Text exposition format.", "content": ["text/plain": ["schema": ["type": "string"]]]],
            "401": errorResponse,
          ],
        ]
      ],
      "/openapi.json": [
        "get": [
          "summary": "This document",
          "responses": ["200": json(["type": "object"], "OpenAPI 3.1."), "401": errorResponse],
        ]
      ],
    ],
    "components": [
      "securitySchemes": ["bearer": ["type": "http", "scheme": "bearer"]],
      "schemas": [
        "Event": [
          "type": "object", "description": "One server-sent event: `token`, `answer` or `error`, with JSON data.",
          "properties": ["event": ["type": "string", "enum": ["token", "answer", "error"]], "data": ["type": "string"]],
        ],
        "RAGRequest": [
          "type": "object", "required": ["query"],
          "properties": [
            "query": ["type": "string", "minLength": 1, "pattern": "\\S", "description": "The question."],
            "author": ["type": ["string", "null"], "description": "Only this author's writing (skips self-query)."],
            "k": ["type": ["integer", "null"], "minimum": 1, "maximum": 50, "description": "Chunks to answer from."],
            "stream": ["type": ["boolean", "null"], "description": "Reply with server-sent events."],
          ],
        ],
        "RAGAnswer": [
          "type": "object", "required": ["answer", "sources", "trace_id"],
          "properties": [
            "answer": ["type": "string", "description": "Cites sources as [n] (sources[n-1])."],
            "sources": ["type": "array", "items": ref("Source")],
            "trace_id": ["type": "string"],
            "author": ["type": ["string", "null"], "description": "The author filter used."],
            "queries": ["type": "array", "items": ["type": "string"]],
            "model": ["type": "string"],
            "prompt_template": ["type": "string"],
          ],
        ],
        "Source": [
          "type": "object", "required": ["platform", "author", "chunk", "score"],
          "properties": [
            "title": ["type": ["string", "null"]], "link": ["type": ["string", "null"]],
            "platform": ["type": "string"], "author": ["type": "string"], "chunk": ["type": "string"],
            "score": ["type": "number"], "category": ["type": "string"], "chunk_id": ["type": "string"],
          ],
        ],
        "Job": [
          "type": "object", "required": ["id", "status"],
          "properties": [
            "id": ["type": "string"], "status": ["enum": ["queued", "running", "succeeded", "failed"]],
            "result": ref("RAGAnswer"), "error": ["type": "string"], "attempts": ["type": "integer"],
            "created_at": ["type": "string", "format": "date-time"],
            "updated_at": ["type": "string", "format": "date-time"],
          ],
        ],
        "Feedback": [
          "type": "object", "required": ["trace_id", "score"],
          "properties": [
            "trace_id": ["type": "string"], "score": ["type": "number"], "comment": ["type": "string"],
            "corrected_answer": ["type": "string"],
          ],
        ],
        "Error": [
          "type": "object", "required": ["error"],
          "properties": [
            "error": [
              "type": "object", "properties": ["message": ["type": "string"], "type": ["type": "string"]],
            ],
            "trace_id": ["type": "string"],
          ],
        ],
      ],
    ],
  ]

  /// The documented paths and their methods (upper case): the route table that decides
  /// between 404 and 405 for requests no route takes.
  static var routes: [String: [String]] {
    guard case .object(let paths)? = document["paths"] else { return [:] }
    return paths.mapValues { operations in
      guard case .object(let byMethod) = operations else { return [] }
      return byMethod.keys.map { $0.uppercased() }.sorted()
    }
  }
}
