// GENERATED from lexicons/ — do not edit.
// Regenerate with: swift run sigil lexicon bundle lexicons --output Sources/BundledLexicons/BundledLexicons.swift
// A test fails when this file and lexicons/ disagree.

/// The lexicon documents of the repository's `lexicons/` directory, embedded at build time.
public enum BundledLexicons {
    /// Each document's path below `lexicons/` and its JSON text, in path order.
    public static let files: [(path: String, json: String)] = [
        ("place/wisp/v2/secret/create.json", #"""
{
  "lexicon": 1,
  "id": "place.wisp.v2.secret.create",
  "defs": {
    "main": {
      "type": "procedure",
      "description": "Create a named webhook signing secret for the calling account. The token is only returned in this response.",
      "input": {
        "encoding": "application/json",
        "schema": {
          "type": "object",
          "required": [
            "name"
          ],
          "properties": {
            "name": {
              "type": "string",
              "format": "record-key",
              "maxLength": 64,
              "description": "Unique 1–64 character secret ID scoped to the caller DID. Use ASCII letters, digits, dots, underscores, and hyphens only."
            }
          }
        }
      },
      "output": {
        "encoding": "application/json",
        "schema": {
          "type": "object",
          "required": [
            "name",
            "token",
            "createdAt"
          ],
          "properties": {
            "name": {
              "type": "string"
            },
            "token": {
              "type": "string",
              "description": "The signing token. Only returned here — store it now."
            },
            "createdAt": {
              "type": "string",
              "format": "datetime"
            }
          }
        }
      },
      "errors": [
        {
          "name": "AuthenticationRequired"
        },
        {
          "name": "InvalidRequest"
        },
        {
          "name": "AlreadyExists"
        }
      ]
    }
  }
}
"""#),
        ("place/wisp/v2/secret/delete.json", #"""
{
  "lexicon": 1,
  "id": "place.wisp.v2.secret.delete",
  "defs": {
    "main": {
      "type": "procedure",
      "description": "Delete a webhook signing secret by name. Deliveries that name it stop being signed with it at once.",
      "input": {
        "encoding": "application/json",
        "schema": {
          "type": "object",
          "required": [
            "name"
          ],
          "properties": {
            "name": {
              "type": "string",
              "format": "record-key",
              "description": "The secret's name (longer than 64 characters only for secrets created before wisp.place's limit)."
            }
          }
        }
      },
      "errors": [
        {
          "name": "AuthenticationRequired"
        },
        {
          "name": "InvalidRequest"
        },
        {
          "name": "NotFound"
        }
      ]
    }
  }
}
"""#),
        ("place/wisp/v2/secret/list.json", ##"""
{
  "lexicon": 1,
  "id": "place.wisp.v2.secret.list",
  "defs": {
    "main": {
      "type": "query",
      "description": "List the calling account's webhook signing secrets. Never returns tokens.",
      "parameters": {
        "type": "params",
        "properties": {
          "limit": {
            "type": "integer",
            "minimum": 1,
            "maximum": 100,
            "default": 50
          },
          "cursor": {
            "type": "string"
          }
        }
      },
      "output": {
        "encoding": "application/json",
        "schema": {
          "type": "object",
          "required": [
            "secrets"
          ],
          "properties": {
            "secrets": {
              "type": "array",
              "items": {
                "type": "ref",
                "ref": "#secretMeta"
              }
            },
            "cursor": {
              "type": "string"
            }
          }
        }
      },
      "errors": [
        {
          "name": "AuthenticationRequired"
        }
      ]
    },
    "secretMeta": {
      "type": "object",
      "description": "A secret's metadata; never its token.",
      "required": [
        "name",
        "createdAt"
      ],
      "properties": {
        "name": {
          "type": "string",
          "format": "record-key"
        },
        "createdAt": {
          "type": "string",
          "format": "datetime"
        },
        "lastRotatedAt": {
          "type": "string",
          "format": "datetime",
          "description": "When the secret was last rotated; absent if never."
        }
      }
    }
  }
}
"""##),
        ("place/wisp/v2/secret/rotate.json", #"""
{
  "lexicon": 1,
  "id": "place.wisp.v2.secret.rotate",
  "defs": {
    "main": {
      "type": "procedure",
      "description": "Rotate a webhook signing secret, generating a new token. The old token stops working immediately. The new token is only returned in this response.",
      "input": {
        "encoding": "application/json",
        "schema": {
          "type": "object",
          "required": [
            "name"
          ],
          "properties": {
            "name": {
              "type": "string",
              "format": "record-key",
              "description": "The secret's name. wisp.place caps names at 64 characters; Sigil accepts longer names here so secrets created before that rule stay rotatable."
            }
          }
        }
      },
      "output": {
        "encoding": "application/json",
        "schema": {
          "type": "object",
          "required": [
            "name",
            "token",
            "rotatedAt"
          ],
          "properties": {
            "name": {
              "type": "string"
            },
            "token": {
              "type": "string",
              "description": "The new signing token. Only returned here — store it now."
            },
            "rotatedAt": {
              "type": "string",
              "format": "datetime"
            }
          }
        }
      },
      "errors": [
        {
          "name": "AuthenticationRequired"
        },
        {
          "name": "InvalidRequest"
        },
        {
          "name": "NotFound"
        }
      ]
    }
  }
}
"""#),
        ("place/wisp/v2/wh.json", ##"""
{
  "lexicon": 1,
  "id": "place.wisp.v2.wh",
  "defs": {
    "main": {
      "type": "record",
      "description": "A webhook: POST matching record events under an AT-URI scope to an HTTPS endpoint.",
      "key": "any",
      "record": {
        "type": "object",
        "required": ["url", "scope", "createdAt"],
        "properties": {
          "url": {
            "type": "string",
            "format": "uri",
            "maxLength": 2048,
            "description": "HTTPS endpoint to POST the webhook payload to."
          },
          "scope": {
            "type": "ref",
            "ref": "#atUri",
            "description": "What to watch. An AT-URI scopes to a specific DID, collection, or record."
          },
          "events": {
            "type": "array",
            "maxLength": 3,
            "items": { "type": "string", "enum": ["create", "update", "delete"] },
            "description": "Which record events to trigger on. Defaults to all events if omitted."
          },
          "secret": {
            "type": "string",
            "maxLength": 256,
            "description": "Optional raw secret used to sign the webhook payload with HMAC-SHA256. Prefer secretId to avoid embedding plaintext values in PDS records."
          },
          "secretId": {
            "type": "string",
            "format": "record-key",
            "description": "Name of a server-managed signing secret created via place.wisp.v2.secret.create. Takes precedence over secret if both are present."
          },
          "enabled": {
            "type": "boolean",
            "description": "Whether the webhook is active. Defaults to true if omitted."
          },
          "createdAt": {
            "type": "string",
            "format": "datetime",
            "description": "Timestamp of when the webhook was created."
          }
        }
      }
    },
    "atUri": {
      "type": "object",
      "required": ["aturi"],
      "properties": {
        "aturi": { "type": "string", "format": "at-uri" },
        "backlinks": {
          "type": "boolean",
          "description": "If true, also watch for records in any repo that reference this DID and collection."
        }
      }
    }
  }
}
"""##),
    ]
}
