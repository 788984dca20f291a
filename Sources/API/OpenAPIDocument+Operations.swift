extension OpenAPIDocument {
    /// `GET /readyz` and `GET /metrics`: the operator's probes, served without a key (see `OperationsRoutes`).
    static let operationsPaths = #"""
        {
          "/readyz": {
            "get": {
              "operationId": "getReadiness",
              "tags": ["service"],
              "summary": "Readiness",
              "description": "200 while the store is open and the server is not draining; 503 from the start of a graceful shutdown (SIGTERM), before the server stops accepting, so a load balancer can move traffic away. `/healthz` is the liveness probe.",
              "security": [],
              "parameters": [{"$ref": "#/components/parameters/RequestID"}],
              "responses": {
                "200": {
                  "description": "Ready for traffic.",
                  "headers": {"x-request-id": {"$ref": "#/components/headers/RequestID"}},
                  "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Ready"}}}
                },
                "503": {
                  "description": "`server_error` (`not_ready`): the server is draining or its store is not open.",
                  "headers": {"x-request-id": {"$ref": "#/components/headers/RequestID"}},
                  "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
                }
              }
            }
          },
          "/metrics": {
            "get": {
              "operationId": "getMetrics",
              "tags": ["service"],
              "summary": "Prometheus metrics",
              "description": "Every `sluice_*` series in the Prometheus text exposition format 0.0.4: queue depth by provider and state, jobs started and finished by outcome, queue wait and upstream latency histograms, tokens and dollars by provider and model, cache hits and savings, 429s, retries, rate-limit pauses, lane in-flight and limits, circuit breaker states, webhook deliveries. Aggregates only (no tenant, prompt or key), so no key is needed. See the README's \"Operating Sluice\".",
              "security": [],
              "parameters": [{"$ref": "#/components/parameters/RequestID"}],
              "responses": {
                "200": {
                  "description": "The metrics, one sample per line.",
                  "headers": {"x-request-id": {"$ref": "#/components/headers/RequestID"}},
                  "content": {"text/plain": {"schema": {"type": "string"}}}
                }
              }
            }
          }
        }
        """#

    /// The readiness answer.
    static let operationsSchemas = #"""
        {
          "Ready": {
            "type": "object",
            "required": ["status"],
            "properties": {"status": {"type": "string", "const": "ready"}}
          }
        }
        """#
}
