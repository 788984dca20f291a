/// OpenAI's Files API in `/openapi.json`: upload (multipart, streamed to disk), list, read, download, delete.
extension OpenAPIDocument {
    static let filesPaths = #"""
        {
          "/v1/files": {
            "post": {
              "operationId": "uploadFile",
              "tags": ["files"],
              "summary": "Upload a file (OpenAI's files.create)",
              "description": "A `multipart/form-data` body with the fields `purpose` and `file`, in any order, as the openai SDK sends it. The file is streamed to disk (never held in memory), hashed and counted, and fsynced before its row commits; the answer comes after the commit. A `batch` file's lines are checked lightly (each a JSON object with `custom_id`, `method`, `url` and an object `body`): the first bad line is a 400 naming it (`code` `invalid_file_line`) and nothing is stored. The whole body may be at most the server's file limit (`files.max_upload_bytes` in the configuration, 512 MiB by default). With an `Idempotency-Key`, a repeat with the same purpose, filename and content returns the original file; different ones are a 422.",
              "parameters": [
                {"$ref": "#/components/parameters/IdempotencyKey"},
                {"$ref": "#/components/parameters/RequestID"}
              ],
              "requestBody": {
                "required": true,
                "content": {
                  "multipart/form-data": {
                    "schema": {
                      "type": "object",
                      "required": ["purpose", "file"],
                      "properties": {
                        "purpose": {"type": "string", "enum": ["batch", "user_data"]},
                        "file": {"type": "string", "contentMediaType": "application/octet-stream"},
                        "expires_after[anchor]": {"type": "string", "enum": ["created_at"]},
                        "expires_after[seconds]": {"type": "integer", "minimum": 3600, "maximum": 2592000}
                      }
                    }
                  }
                }
              },
              "responses": {
                "200": {
                  "description": "The stored file (or, for a repeated `Idempotency-Key`, the original one).",
                  "headers": {"x-request-id": {"$ref": "#/components/headers/RequestID"}},
                  "content": {"application/json": {"schema": {"$ref": "#/components/schemas/File"}}}
                },
                "400": {"$ref": "#/components/responses/BadRequest"},
                "401": {"$ref": "#/components/responses/Unauthorized"},
                "413": {
                  "description": "`invalid_request_error` (`request_too_large`): the upload is over the server's file limit (512 MiB by default).",
                  "headers": {"x-request-id": {"$ref": "#/components/headers/RequestID"}},
                  "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
                },
                "422": {"$ref": "#/components/responses/IdempotencyKeyReused"},
                "500": {"$ref": "#/components/responses/ServerError"}
              }
            },
            "get": {
              "operationId": "listFiles",
              "tags": ["files"],
              "summary": "List files (OpenAI's files.list)",
              "description": "The caller's files that are not deleted, newest first unless `order=asc`, in OpenAI's list shape; `has_more` is always sent. The next page is `after=<id of the last item>`.",
              "parameters": [
                {
                  "name": "purpose",
                  "in": "query",
                  "required": false,
                  "description": "Only files with this purpose.",
                  "schema": {"$ref": "#/components/schemas/FilePurpose"}
                },
                {
                  "name": "limit",
                  "in": "query",
                  "required": false,
                  "description": "Page size.",
                  "schema": {"type": "integer", "minimum": 1, "maximum": 10000, "default": 10000}
                },
                {
                  "name": "order",
                  "in": "query",
                  "required": false,
                  "description": "`desc` (newest first) or `asc`.",
                  "schema": {"type": "string", "enum": ["asc", "desc"], "default": "desc"}
                },
                {
                  "name": "after",
                  "in": "query",
                  "required": false,
                  "description": "Cursor: the files after this one in the chosen order (the `id` of the last item of the previous page). Empty is absent.",
                  "schema": {"type": "string", "pattern": "^(file-[1-9][0-9]{0,17})?$"}
                },
                {"$ref": "#/components/parameters/RequestID"}
              ],
              "responses": {
                "200": {
                  "description": "One page of files.",
                  "headers": {"x-request-id": {"$ref": "#/components/headers/RequestID"}},
                  "content": {"application/json": {"schema": {"$ref": "#/components/schemas/FileList"}}}
                },
                "400": {"$ref": "#/components/responses/BadRequest"},
                "401": {"$ref": "#/components/responses/Unauthorized"},
                "500": {"$ref": "#/components/responses/ServerError"}
              }
            }
          },
          "/v1/files/{id}": {
            "get": {
              "operationId": "getFile",
              "tags": ["files"],
              "summary": "Read a file object (OpenAI's files.retrieve)",
              "parameters": [
                {
                  "name": "id",
                  "in": "path",
                  "required": true,
                  "description": "A file id, `file-<n>`. An id the caller cannot see, a deleted file or a malformed id is a 404.",
                  "schema": {"type": "string", "pattern": "^file-[1-9][0-9]{0,17}$", "examples": ["file-1"]}
                },
                {"$ref": "#/components/parameters/RequestID"}
              ],
              "responses": {
                "200": {
                  "description": "The file object.",
                  "headers": {"x-request-id": {"$ref": "#/components/headers/RequestID"}},
                  "content": {"application/json": {"schema": {"$ref": "#/components/schemas/File"}}}
                },
                "401": {"$ref": "#/components/responses/Unauthorized"},
                "404": {"$ref": "#/components/responses/NotFound"},
                "500": {"$ref": "#/components/responses/ServerError"}
              }
            },
            "delete": {
              "operationId": "deleteFile",
              "tags": ["files"],
              "summary": "Delete a file (OpenAI's files.delete)",
              "description": "The file disappears from the API and its bytes from disk. A batch using it as input keeps running. Any or no body.",
              "parameters": [
                {
                  "name": "id",
                  "in": "path",
                  "required": true,
                  "description": "A file id, `file-<n>`.",
                  "schema": {"type": "string", "pattern": "^file-[1-9][0-9]{0,17}$", "examples": ["file-1"]}
                },
                {"$ref": "#/components/parameters/RequestID"}
              ],
              "responses": {
                "200": {
                  "description": "The file was deleted.",
                  "headers": {"x-request-id": {"$ref": "#/components/headers/RequestID"}},
                  "content": {"application/json": {"schema": {"$ref": "#/components/schemas/FileDeleted"}}}
                },
                "401": {"$ref": "#/components/responses/Unauthorized"},
                "404": {"$ref": "#/components/responses/NotFound"},
                "500": {"$ref": "#/components/responses/ServerError"}
              }
            }
          },
          "/v1/files/{id}/content": {
            "get": {
              "operationId": "getFileContent",
              "tags": ["files"],
              "summary": "Download a file's bytes (OpenAI's files.content)",
              "description": "The bytes exactly as uploaded (or, for `batch_output` files, as written), streamed from disk. Any `Accept` header is fine.",
              "parameters": [
                {
                  "name": "id",
                  "in": "path",
                  "required": true,
                  "description": "A file id, `file-<n>`.",
                  "schema": {"type": "string", "pattern": "^file-[1-9][0-9]{0,17}$", "examples": ["file-1"]}
                },
                {"$ref": "#/components/parameters/RequestID"}
              ],
              "responses": {
                "200": {
                  "description": "The content.",
                  "headers": {"x-request-id": {"$ref": "#/components/headers/RequestID"}},
                  "content": {"application/octet-stream": {"schema": {"type": "string"}}}
                },
                "401": {"$ref": "#/components/responses/Unauthorized"},
                "404": {"$ref": "#/components/responses/NotFound"},
                "500": {"$ref": "#/components/responses/ServerError"}
              }
            }
          }
        }
        """#

    static let filesSchemas = #"""
        {
          "FilePurpose": {
            "type": "string",
            "description": "`batch` (a batch's input) and `user_data` can be uploaded; `batch_output` files are written by the server (a batch's output and error files).",
            "enum": ["batch", "batch_output", "user_data"]
          },
          "File": {
            "type": "object",
            "description": "OpenAI's File object.",
            "required": ["id", "object", "bytes", "created_at", "filename", "purpose", "status", "expires_at", "status_details"],
            "properties": {
              "id": {"type": "string", "description": "`file-<n>`."},
              "object": {"type": "string", "const": "file"},
              "bytes": {"type": "integer", "minimum": 0},
              "created_at": {"type": "integer"},
              "filename": {"type": "string"},
              "purpose": {"$ref": "#/components/schemas/FilePurpose"},
              "status": {"type": "string", "const": "processed", "description": "Always `processed` (deprecated by OpenAI; the SDK still polls it)."},
              "expires_at": {"type": ["integer", "null"], "description": "When the file expires: 30 days after upload for `batch` files unless `expires_after` says otherwise; null when it does not."},
              "status_details": {"type": "null"}
            }
          },
          "FileList": {
            "type": "object",
            "required": ["object", "data", "first_id", "last_id", "has_more"],
            "properties": {
              "object": {"type": "string", "const": "list"},
              "data": {"type": "array", "items": {"$ref": "#/components/schemas/File"}},
              "first_id": {"type": ["string", "null"]},
              "last_id": {"type": ["string", "null"]},
              "has_more": {"type": "boolean"}
            }
          },
          "FileDeleted": {
            "type": "object",
            "required": ["id", "object", "deleted"],
            "properties": {
              "id": {"type": "string"},
              "object": {"type": "string", "const": "file"},
              "deleted": {"type": "boolean", "const": true}
            }
          }
        }
        """#
}
