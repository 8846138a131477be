// GENERATED from lexicons/ — do not edit.
// Regenerate with: swift run sigil lexicon bundle lexicons --output Sources/BundledLexicons/BundledLexicons.swift
// A test fails when this file and lexicons/ disagree.

/// The lexicon documents of the repository's `lexicons/` directory, embedded at build time.
public enum BundledLexicons {
    /// Each document's path below `lexicons/` and its JSON text, in path order.
    public static let files: [(path: String, json: String)] = [
        ("dev/sigil/secret/defs.json", #"""
{
  "lexicon": 1,
  "id": "dev.sigil.secret.defs",
  "description": "Shared definitions of Sigil's secret rotation methods.",
  "defs": {
    "policy": {
      "type": "object",
      "description": "How a secret rotates. An absent field is no such rule.",
      "properties": {
        "overlapSeconds": {
          "type": "integer",
          "minimum": 0,
          "maximum": 86400,
          "description": "Default overlap of a rotation: how long the previous token keeps signing alongside the new one."
        },
        "rotationPeriodSeconds": {
          "type": "integer",
          "minimum": 60,
          "maximum": 31536000,
          "description": "A secret not rotated within this long after its last rotation (or creation) expires."
        },
        "expiresAt": {
          "type": "string",
          "format": "datetime",
          "description": "An absolute expiry that rotation never extends."
        }
      }
    },
    "rotation": {
      "type": "object",
      "description": "A rotation's result.",
      "required": [
        "name",
        "token",
        "rotatedAt"
      ],
      "properties": {
        "name": {
          "type": "string",
          "format": "record-key",
          "description": "The secret's name."
        },
        "token": {
          "type": "string",
          "maxLength": 256,
          "description": "The new signing token. Only returned here — store it now."
        },
        "rotatedAt": {
          "type": "string",
          "format": "datetime",
          "description": "When the new token took over."
        },
        "previousValidUntil": {
          "type": "string",
          "format": "datetime",
          "description": "With an overlap: until when the previous token still signs."
        }
      }
    },
    "event": {
      "type": "object",
      "description": "One entry of a secret's audit trail.",
      "required": [
        "action",
        "version",
        "at",
        "by"
      ],
      "properties": {
        "action": {
          "type": "string",
          "maxLength": 32,
          "knownValues": [
            "created",
            "rotated",
            "previousRevoked",
            "overlapEnded",
            "expired",
            "deleted",
            "policySet"
          ],
          "description": "What happened."
        },
        "version": {
          "type": "integer",
          "minimum": 0,
          "description": "The token version after the event."
        },
        "at": {
          "type": "string",
          "format": "datetime",
          "description": "When it happened."
        },
        "by": {
          "type": "string",
          "maxLength": 32,
          "knownValues": [
            "account",
            "token",
            "schedule",
            "operator"
          ],
          "description": "By which means: the owner's service auth, the token itself, a policy, or an operator command."
        }
      }
    }
  }
}
"""#),
        ("dev/sigil/secret/get.json", #"""
{
  "lexicon": 1,
  "id": "dev.sigil.secret.get",
  "defs": {
    "main": {
      "type": "query",
      "description": "A secret's rotation state: versions, times, policy and status. Never a token.",
      "parameters": {
        "type": "params",
        "required": [
          "name"
        ],
        "properties": {
          "name": {
            "type": "string",
            "format": "record-key",
            "description": "The secret's name (as in place.wisp.v2.secret.*)."
          }
        }
      },
      "output": {
        "encoding": "application/json",
        "schema": {
          "type": "object",
          "required": [
            "name",
            "version",
            "createdAt",
            "lastRotationManual",
            "policy",
            "status"
          ],
          "properties": {
            "name": {
              "type": "string",
              "format": "record-key",
              "description": "The secret's name."
            },
            "version": {
              "type": "integer",
              "minimum": 1,
              "description": "The current token's version."
            },
            "createdAt": {
              "type": "string",
              "format": "datetime",
              "description": "When the secret was created."
            },
            "lastRotatedAt": {
              "type": "string",
              "format": "datetime",
              "description": "When it was last rotated; absent if never."
            },
            "lastRotationManual": {
              "type": "boolean",
              "description": "Whether the last rotation was asked for (not scheduled)."
            },
            "lastRotationBy": {
              "type": "string",
              "maxLength": 32,
              "knownValues": [
                "account",
                "token",
                "schedule",
                "operator"
              ],
              "description": "How the last rotation was authorized."
            },
            "policy": {
              "type": "ref",
              "ref": "dev.sigil.secret.defs#policy"
            },
            "previousValidUntil": {
              "type": "string",
              "format": "datetime",
              "description": "During an overlap: until when the previous token signs."
            },
            "rotationDueAt": {
              "type": "string",
              "format": "datetime",
              "description": "With a rotation period: when the secret expires unless rotated."
            },
            "expiresAt": {
              "type": "string",
              "format": "datetime",
              "description": "When the secret expires (the earlier of the absolute expiry and the rotation deadline)."
            },
            "status": {
              "type": "string",
              "maxLength": 32,
              "knownValues": [
                "active",
                "overlapping",
                "expired"
              ],
              "description": "Whether it signs, signs with two tokens, or signs nothing."
            },
            "lastMessage": {
              "type": "string",
              "maxLength": 512,
              "description": "Why the status is what it is, when there is something to say (e.g. why it expired)."
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
        ("dev/sigil/secret/history.json", #"""
{
  "lexicon": 1,
  "id": "dev.sigil.secret.history",
  "defs": {
    "main": {
      "type": "query",
      "description": "A secret's audit trail, newest first, paginated.",
      "parameters": {
        "type": "params",
        "required": [
          "name"
        ],
        "properties": {
          "name": {
            "type": "string",
            "format": "record-key",
            "description": "The secret's name (as in place.wisp.v2.secret.*)."
          },
          "cursor": {
            "type": "string",
            "maxLength": 128,
            "description": "From a previous page's cursor."
          },
          "limit": {
            "type": "integer",
            "minimum": 1,
            "maximum": 100,
            "default": 50,
            "description": "Events per page."
          }
        }
      },
      "output": {
        "encoding": "application/json",
        "schema": {
          "type": "object",
          "required": [
            "events"
          ],
          "properties": {
            "events": {
              "type": "array",
              "maxLength": 100,
              "items": {
                "type": "ref",
                "ref": "dev.sigil.secret.defs#event"
              },
              "description": "The events of this page."
            },
            "cursor": {
              "type": "string",
              "maxLength": 128,
              "description": "Present when there are more events."
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
        ("dev/sigil/secret/revokePrevious.json", #"""
{
  "lexicon": 1,
  "id": "dev.sigil.secret.revokePrevious",
  "defs": {
    "main": {
      "type": "procedure",
      "description": "End a secret's overlap now: from the moment this returns, nothing is signed with the previous token, on any replica.",
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
              "description": "The secret's name (as in place.wisp.v2.secret.*)."
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
            "revokedAt"
          ],
          "properties": {
            "name": {
              "type": "string",
              "format": "record-key",
              "description": "The secret's name."
            },
            "revokedAt": {
              "type": "string",
              "format": "datetime",
              "description": "When the previous token stopped signing."
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
        },
        {
          "name": "NoPreviousToken"
        }
      ]
    }
  }
}
"""#),
        ("dev/sigil/secret/rotate.json", #"""
{
  "lexicon": 1,
  "id": "dev.sigil.secret.rotate",
  "defs": {
    "main": {
      "type": "procedure",
      "description": "Rotate a secret, optionally keeping the previous token signing for an overlap. Only two tokens are ever alive: a rotation inside a live overlap is refused unless forced, which first kills the older token.",
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
              "description": "The secret's name (as in place.wisp.v2.secret.*)."
            },
            "overlapSeconds": {
              "type": "integer",
              "minimum": 0,
              "maximum": 86400,
              "description": "How long the previous token keeps signing (default: the secret's policy, else 0)."
            },
            "force": {
              "type": "boolean",
              "description": "Rotate even inside a live overlap, killing the older token first."
            },
            "token": {
              "type": "string",
              "minLength": 32,
              "maxLength": 256,
              "description": "A token the receiving system already generated, to register instead of generating one: 32 to 256 printable ASCII characters, no whitespace; one starting with whsec_ must be whsec_ + standard base64 of 24 to 512 bytes. Refused if Sigil ever held it (this secret's earlier tokens, any live token). Signatures: X-Webhook-Signature keys HMAC with the token's text; Standard Webhooks v1 keys it with the token's bytes (a stock library takes whsec_ + base64 of the token)."
            }
          }
        }
      },
      "output": {
        "encoding": "application/json",
        "schema": {
          "type": "ref",
          "ref": "dev.sigil.secret.defs#rotation"
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
        },
        {
          "name": "RotationInProgress"
        },
        {
          "name": "Expired"
        }
      ]
    }
  }
}
"""#),
        ("dev/sigil/secret/rotateWithToken.json", #"""
{
  "lexicon": 1,
  "id": "dev.sigil.secret.rotateWithToken",
  "defs": {
    "main": {
      "type": "procedure",
      "description": "Rotate the secret whose current token is presented as the bearer (Authorization: Bearer whsec_…), under the secret's policy; a cron job on the receiver's side needs no account credential. Any token that is not the current, unexpired token of a secret (wrong, previous, expired, deleted) answers 401, the same way.",
      "input": {
        "encoding": "application/json",
        "schema": {
          "type": "object",
          "properties": {}
        }
      },
      "output": {
        "encoding": "application/json",
        "schema": {
          "type": "ref",
          "ref": "dev.sigil.secret.defs#rotation"
        }
      },
      "errors": [
        {
          "name": "AuthenticationRequired"
        },
        {
          "name": "RotationInProgress"
        }
      ]
    }
  }
}
"""#),
        ("dev/sigil/secret/setPolicy.json", #"""
{
  "lexicon": 1,
  "id": "dev.sigil.secret.setPolicy",
  "defs": {
    "main": {
      "type": "procedure",
      "description": "Set a secret's rotation policy; a field left out clears that rule.",
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
              "description": "The secret's name (as in place.wisp.v2.secret.*)."
            },
            "overlapSeconds": {
              "type": "integer",
              "minimum": 0,
              "maximum": 86400,
              "description": "Default overlap of rotations."
            },
            "rotationPeriodSeconds": {
              "type": "integer",
              "minimum": 60,
              "maximum": 31536000,
              "description": "Expire the secret if not rotated within this long."
            },
            "expiresAt": {
              "type": "string",
              "format": "datetime",
              "description": "Absolute expiry; rotation never extends it."
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
            "policy"
          ],
          "properties": {
            "name": {
              "type": "string",
              "format": "record-key",
              "description": "The secret's name."
            },
            "policy": {
              "type": "ref",
              "ref": "dev.sigil.secret.defs#policy"
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
        ("dev/sigil/signingKey/create.json", #"""
{
  "lexicon": 1,
  "id": "dev.sigil.signingKey.create",
  "defs": {
    "main": {
      "type": "procedure",
      "description": "Create an Ed25519 signing key: webhooks whose secretId names it are signed with Standard Webhooks v1a. The secret key is never returned; publish or hand out the public key.",
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
              "description": "The signing key's name (one name space with the account's secrets)."
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
      ],
      "output": {
        "encoding": "application/json",
        "schema": {
          "type": "object",
          "required": [
            "name",
            "publicKey",
            "createdAt"
          ],
          "properties": {
            "name": {
              "type": "string",
              "format": "record-key",
              "description": "The signing key's name (one name space with the account's secrets)."
            },
            "publicKey": {
              "type": "string",
              "maxLength": 64,
              "description": "An Ed25519 public key: whpk_ + standard base64 of its 32 bytes."
            },
            "createdAt": {
              "type": "string",
              "format": "datetime",
              "description": "When it was created."
            }
          }
        }
      }
    }
  }
}
"""#),
        ("dev/sigil/signingKey/defs.json", #"""
{
  "lexicon": 1,
  "id": "dev.sigil.signingKey.defs",
  "description": "Shared definitions of Sigil's webhook signing keys (Standard Webhooks v1a, Ed25519).",
  "defs": {
    "keyView": {
      "type": "object",
      "description": "A signing key as its account sees it. Never the secret key.",
      "required": [
        "name",
        "publicKey",
        "version",
        "createdAt",
        "status",
        "overlapSeconds"
      ],
      "properties": {
        "name": {
          "type": "string",
          "format": "record-key",
          "description": "The signing key's name (one name space with the account's secrets)."
        },
        "publicKey": {
          "type": "string",
          "maxLength": 64,
          "description": "An Ed25519 public key: whpk_ + standard base64 of its 32 bytes."
        },
        "version": {
          "type": "integer",
          "minimum": 1,
          "description": "The current key's version."
        },
        "createdAt": {
          "type": "string",
          "format": "datetime",
          "description": "When the key was created."
        },
        "lastRotatedAt": {
          "type": "string",
          "format": "datetime",
          "description": "When it was last rotated; absent if never."
        },
        "lastRotationManual": {
          "type": "boolean",
          "description": "Whether the account asked for the last rotation (false: the schedule)."
        },
        "status": {
          "type": "string",
          "maxLength": 32,
          "knownValues": [
            "active",
            "overlapping"
          ],
          "description": "overlapping: the previous key still signs beside the current one."
        },
        "previousPublicKey": {
          "type": "string",
          "maxLength": 64,
          "description": "An Ed25519 public key: whpk_ + standard base64 of its 32 bytes."
        },
        "previousValidUntil": {
          "type": "string",
          "format": "datetime",
          "description": "Until when the previous key signs."
        },
        "nextPublicKey": {
          "type": "string",
          "maxLength": 64,
          "description": "The announced next key (with a schedule): it signs from nextRotationAt."
        },
        "overlapSeconds": {
          "type": "integer",
          "minimum": 0,
          "maximum": 86400,
          "description": "How long the old key keeps signing beside the new one, in seconds."
        },
        "intervalDays": {
          "type": "integer",
          "minimum": 1,
          "maximum": 365,
          "description": "Scheduled rotation: every this many days."
        },
        "at": {
          "type": "string",
          "maxLength": 5,
          "description": "Scheduled rotation: at this UTC time of day (hh:mm)."
        },
        "nextRotationAt": {
          "type": "string",
          "format": "datetime",
          "description": "When the scheduled rotation is next due."
        },
        "daysUntilNextRotation": {
          "type": "integer",
          "minimum": 0,
          "description": "Whole days until nextRotationAt (0: within a day)."
        },
        "lastStatus": {
          "type": "string",
          "maxLength": 32,
          "knownValues": [
            "rotated",
            "failed"
          ],
          "description": "The outcome of the last rotation."
        },
        "lastMessage": {
          "type": "string",
          "maxLength": 512,
          "description": "What the last rotation said."
        }
      }
    },
    "publicKey": {
      "type": "object",
      "description": "A public key receivers should accept, and when.",
      "required": [
        "publicKey",
        "validFrom"
      ],
      "properties": {
        "publicKey": {
          "type": "string",
          "maxLength": 64,
          "description": "An Ed25519 public key: whpk_ + standard base64 of its 32 bytes."
        },
        "validFrom": {
          "type": "string",
          "format": "datetime",
          "description": "From when it signs."
        },
        "validUntil": {
          "type": "string",
          "format": "datetime",
          "description": "Until when it signs (absent: until a rotation)."
        }
      }
    }
  }
}
"""#),
        ("dev/sigil/signingKey/delete.json", #"""
{
  "lexicon": 1,
  "id": "dev.sigil.signingKey.delete",
  "defs": {
    "main": {
      "type": "procedure",
      "description": "Delete a signing key: its secret keys are gone at once, and deliveries that name it are no longer signed with it.",
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
              "description": "The signing key's name (one name space with the account's secrets)."
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
        ("dev/sigil/signingKey/get.json", #"""
{
  "lexicon": 1,
  "id": "dev.sigil.signingKey.get",
  "defs": {
    "main": {
      "type": "query",
      "description": "One signing key: its public keys, schedule and last rotation (the Cloudflare and Infisical fields).",
      "output": {
        "encoding": "application/json",
        "schema": {
          "type": "object",
          "required": [
            "key"
          ],
          "properties": {
            "key": {
              "type": "ref",
              "ref": "dev.sigil.signingKey.defs#keyView"
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
      ],
      "parameters": {
        "type": "params",
        "required": [
          "name"
        ],
        "properties": {
          "name": {
            "type": "string",
            "format": "record-key",
            "description": "The signing key's name (one name space with the account's secrets)."
          }
        }
      }
    }
  }
}
"""#),
        ("dev/sigil/signingKey/list.json", #"""
{
  "lexicon": 1,
  "id": "dev.sigil.signingKey.list",
  "defs": {
    "main": {
      "type": "query",
      "description": "The account's signing keys, by name (at most 100).",
      "output": {
        "encoding": "application/json",
        "schema": {
          "type": "object",
          "required": [
            "keys"
          ],
          "properties": {
            "keys": {
              "type": "array",
              "maxLength": 100,
              "items": {
                "type": "ref",
                "ref": "dev.sigil.signingKey.defs#keyView"
              }
            }
          }
        }
      },
      "errors": [
        {
          "name": "AuthenticationRequired"
        }
      ]
    }
  }
}
"""#),
        ("dev/sigil/signingKey/listPublic.json", #"""
{
  "lexicon": 1,
  "id": "dev.sigil.signingKey.listPublic",
  "defs": {
    "main": {
      "type": "query",
      "description": "Unauthenticated: every public key a receiver should accept now for an account's signing key, each with validFrom and validUntil: the current key, the previous one during an overlap, and the announced next one. A receiver that fetches this more often than the key rotates never misses a rotation.",
      "output": {
        "encoding": "application/json",
        "schema": {
          "type": "object",
          "required": [
            "keys"
          ],
          "properties": {
            "keys": {
              "type": "array",
              "maxLength": 3,
              "items": {
                "type": "ref",
                "ref": "dev.sigil.signingKey.defs#publicKey"
              }
            }
          }
        }
      },
      "errors": [
        {
          "name": "InvalidRequest"
        },
        {
          "name": "NotFound"
        }
      ],
      "parameters": {
        "type": "params",
        "required": [
          "did",
          "name"
        ],
        "properties": {
          "did": {
            "type": "string",
            "format": "did",
            "description": "The account that owns the key."
          },
          "name": {
            "type": "string",
            "format": "record-key",
            "description": "The signing key's name (one name space with the account's secrets)."
          }
        }
      }
    }
  }
}
"""#),
        ("dev/sigil/signingKey/rotate.json", #"""
{
  "lexicon": 1,
  "id": "dev.sigil.signingKey.rotate",
  "defs": {
    "main": {
      "type": "procedure",
      "description": "Rotate a signing key: a new key pair (the announced next one, if there is one) signs from now; with an overlap the old key also signs until it ends (two v1a entries), then is retired. Never more than two keys sign: a previous key still in its overlap is retired at once.",
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
              "description": "The signing key's name (one name space with the account's secrets)."
            },
            "overlapSeconds": {
              "type": "integer",
              "minimum": 0,
              "maximum": 86400,
              "description": "How long the old key keeps signing (default: the key's overlap, else 0)."
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
      ],
      "output": {
        "encoding": "application/json",
        "schema": {
          "type": "object",
          "required": [
            "name",
            "publicKey",
            "rotatedAt"
          ],
          "properties": {
            "name": {
              "type": "string",
              "format": "record-key",
              "description": "The signing key's name (one name space with the account's secrets)."
            },
            "publicKey": {
              "type": "string",
              "maxLength": 64,
              "description": "An Ed25519 public key: whpk_ + standard base64 of its 32 bytes."
            },
            "rotatedAt": {
              "type": "string",
              "format": "datetime",
              "description": "When the new key took over."
            },
            "previousValidUntil": {
              "type": "string",
              "format": "datetime",
              "description": "With an overlap: until when the old key still signs."
            }
          }
        }
      }
    }
  }
}
"""#),
        ("dev/sigil/signingKey/setSchedule.json", #"""
{
  "lexicon": 1,
  "id": "dev.sigil.signingKey.setSchedule",
  "defs": {
    "main": {
      "type": "procedure",
      "description": "Rotate a signing key on a schedule: every intervalDays days (counted from now, then from each rotation), at a UTC time of day if given, keeping overlapSeconds. The next key is published (listPublic) from the moment a schedule is set, before it signs. Without intervalDays the schedule is removed.",
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
              "description": "The signing key's name (one name space with the account's secrets)."
            },
            "intervalDays": {
              "type": "integer",
              "minimum": 1,
              "maximum": 365,
              "description": "Rotate every this many days; absent: no schedule."
            },
            "at": {
              "type": "string",
              "maxLength": 5,
              "description": "At this UTC time of day, hh:mm (24-hour)."
            },
            "overlapSeconds": {
              "type": "integer",
              "minimum": 0,
              "maximum": 86400,
              "description": "How long the old key keeps signing beside the new one, in seconds."
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
      ],
      "output": {
        "encoding": "application/json",
        "schema": {
          "type": "object",
          "required": [
            "key"
          ],
          "properties": {
            "key": {
              "type": "ref",
              "ref": "dev.sigil.signingKey.defs#keyView"
            }
          }
        }
      }
    }
  }
}
"""#),
        ("dev/sigil/webhook/defs.json", #"""
{
  "lexicon": 1,
  "id": "dev.sigil.webhook.defs",
  "defs": {
    "delivery": {
      "type": "object",
      "description": "One delivery of an event to a webhook. Never a token or a signature.",
      "required": [
        "id",
        "webhook",
        "event",
        "collection",
        "rkey",
        "status",
        "attempts",
        "createdAt",
        "updatedAt"
      ],
      "properties": {
        "id": {
          "type": "string",
          "maxLength": 64,
          "description": "The delivery id (its webhook-id header)."
        },
        "webhook": {
          "type": "string",
          "format": "record-key",
          "description": "The webhook: the record key of the caller's place.wisp.v2.wh record."
        },
        "event": {
          "type": "string",
          "maxLength": 32,
          "knownValues": [
            "create",
            "update",
            "delete",
            "ping"
          ],
          "description": "The operation that matched."
        },
        "did": {
          "type": "string",
          "format": "did",
          "description": "The account whose record changed."
        },
        "collection": {
          "type": "string",
          "maxLength": 317,
          "description": "The record's collection."
        },
        "rkey": {
          "type": "string",
          "maxLength": 512,
          "description": "The record's key."
        },
        "status": {
          "type": "string",
          "maxLength": 32,
          "knownValues": [
            "pending",
            "delivered",
            "dead",
            "cancelled"
          ],
          "description": "Where the delivery is in its life."
        },
        "attempts": {
          "type": "integer",
          "minimum": 0,
          "description": "Attempts made so far."
        },
        "lastStatus": {
          "type": "integer",
          "minimum": 0,
          "maximum": 999,
          "description": "The receiver's HTTP status at the last attempt that got an answer."
        },
        "lastError": {
          "type": "string",
          "maxLength": 1024,
          "description": "Why the last attempt failed, or why the delivery was cancelled."
        },
        "nextAttemptAt": {
          "type": "string",
          "format": "datetime",
          "description": "For pending deliveries: when the next attempt is due."
        },
        "createdAt": {
          "type": "string",
          "format": "datetime",
          "description": "When the event matched."
        },
        "updatedAt": {
          "type": "string",
          "format": "datetime",
          "description": "When the delivery last changed."
        }
      }
    },
    "attempt": {
      "type": "object",
      "description": "One attempt at a delivery.",
      "required": [
        "at",
        "durationMs"
      ],
      "properties": {
        "at": {
          "type": "string",
          "format": "datetime",
          "description": "When the attempt ended."
        },
        "durationMs": {
          "type": "integer",
          "minimum": 0,
          "description": "How long it took."
        },
        "status": {
          "type": "integer",
          "minimum": 0,
          "maximum": 999,
          "description": "The receiver's HTTP status, if it answered."
        },
        "error": {
          "type": "string",
          "maxLength": 1024,
          "description": "Why it failed, if it did."
        }
      }
    }
  }
}
"""#),
        ("dev/sigil/webhook/getDelivery.json", #"""
{
  "lexicon": 1,
  "id": "dev.sigil.webhook.getDelivery",
  "defs": {
    "main": {
      "type": "query",
      "description": "One delivery with every attempt and the exact JSON that was or will be sent.",
      "parameters": {
        "type": "params",
        "required": [
          "id"
        ],
        "properties": {
          "id": {
            "type": "string",
            "maxLength": 64,
            "description": "The delivery id (its webhook-id header)."
          }
        }
      },
      "output": {
        "encoding": "application/json",
        "schema": {
          "type": "object",
          "required": [
            "delivery",
            "attempts",
            "payload"
          ],
          "properties": {
            "delivery": {
              "type": "ref",
              "ref": "dev.sigil.webhook.defs#delivery"
            },
            "attempts": {
              "type": "array",
              "maxLength": 1000,
              "items": {
                "type": "ref",
                "ref": "dev.sigil.webhook.defs#attempt"
              },
              "description": "Oldest first."
            },
            "payload": {
              "type": "string",
              "maxLength": 2097152,
              "description": "The request body, as sent (JSON text)."
            }
          }
        }
      },
      "errors": [
        {
          "name": "AuthenticationRequired"
        },
        {
          "name": "NotFound"
        }
      ]
    }
  }
}
"""#),
        ("dev/sigil/webhook/list.json", ##"""
{
  "lexicon": 1,
  "id": "dev.sigil.webhook.list",
  "defs": {
    "main": {
      "type": "query",
      "description": "The caller's webhooks as Sigil sees them: what each is (URL, the secret or signing key it names), whether it is paused and why, how its record was last read back, and its deliveries' health (pending count, the last attempt, the last 24 hours' success rate and median latency over its newest 1,000 deliveries). Never a token.",
      "parameters": {
        "type": "params",
        "properties": {}
      },
      "output": {
        "encoding": "application/json",
        "schema": {
          "type": "object",
          "required": [
            "webhooks"
          ],
          "properties": {
            "webhooks": {
              "type": "array",
              "maxLength": 1000,
              "items": {
                "type": "ref",
                "ref": "#webhookView"
              }
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
        }
      ]
    },
    "webhookView": {
      "type": "object",
      "description": "One webhook (a place.wisp.v2.wh record of the caller) as Sigil runs it.",
      "required": [
        "webhook",
        "url",
        "enabled",
        "recordEnabled",
        "pending",
        "last24h"
      ],
      "properties": {
        "webhook": {
          "type": "string",
          "format": "record-key",
          "description": "The record key of the caller's place.wisp.v2.wh record."
        },
        "url": {
          "type": "string",
          "maxLength": 2048,
          "description": "Where deliveries go."
        },
        "signedWith": {
          "type": "string",
          "maxLength": 128,
          "description": "The secret or signing key its record names (secretId)."
        },
        "inlineSecret": {
          "type": "boolean",
          "description": "Its record carries a secret of its own (not shown)."
        },
        "enabled": {
          "type": "boolean",
          "description": "Deliveries are sent."
        },
        "recordEnabled": {
          "type": "boolean",
          "description": "What the record says (enabled: false pauses it)."
        },
        "pausedReason": {
          "type": "string",
          "maxLength": 1024,
          "description": "Why Sigil or its owner paused it."
        },
        "failingSince": {
          "type": "string",
          "format": "datetime",
          "description": "Its receiver has failed every attempt since then."
        },
        "recordReadAt": {
          "type": "string",
          "format": "datetime",
          "description": "When its record was last read back from the owner's PDS."
        },
        "readback": {
          "type": "ref",
          "ref": "#readbackView"
        },
        "pending": {
          "type": "integer",
          "minimum": 0,
          "description": "Deliveries queued or being attempted."
        },
        "lastAttempt": {
          "type": "ref",
          "ref": "dev.sigil.webhook.defs#attempt"
        },
        "last24h": {
          "type": "ref",
          "ref": "#window"
        }
      }
    },
    "readbackView": {
      "type": "object",
      "description": "A change of the record that could not be read back yet; retried with backoff until it is, or the record is deleted.",
      "required": [
        "since",
        "attempts",
        "nextAttemptAt",
        "lastError"
      ],
      "properties": {
        "since": {
          "type": "string",
          "format": "datetime"
        },
        "attempts": {
          "type": "integer",
          "minimum": 0
        },
        "nextAttemptAt": {
          "type": "string",
          "format": "datetime"
        },
        "lastError": {
          "type": "string",
          "maxLength": 1024
        }
      }
    },
    "window": {
      "type": "object",
      "description": "Attempts in the last 24 hours at its newest 1,000 deliveries.",
      "required": [
        "attempts",
        "succeeded"
      ],
      "properties": {
        "attempts": {
          "type": "integer",
          "minimum": 0
        },
        "succeeded": {
          "type": "integer",
          "minimum": 0,
          "description": "Attempts the receiver answered with a 2xx."
        },
        "successPercent": {
          "type": "integer",
          "minimum": 0,
          "maximum": 100,
          "description": "succeeded ÷ attempts, rounded down; absent without attempts."
        },
        "medianLatencyMs": {
          "type": "integer",
          "minimum": 0,
          "description": "Median attempt duration; absent without attempts."
        }
      }
    }
  }
}
"""##),
        ("dev/sigil/webhook/listDeliveries.json", #"""
{
  "lexicon": 1,
  "id": "dev.sigil.webhook.listDeliveries",
  "defs": {
    "main": {
      "type": "query",
      "description": "A webhook's deliveries, newest first: status, attempts, the receiver's last answer. Never a token or a signature.",
      "parameters": {
        "type": "params",
        "required": [
          "webhook"
        ],
        "properties": {
          "webhook": {
            "type": "string",
            "format": "record-key",
            "description": "The webhook: the record key of the caller's place.wisp.v2.wh record."
          },
          "status": {
            "type": "string",
            "maxLength": 32,
            "knownValues": [
              "pending",
              "delivered",
              "dead",
              "cancelled"
            ],
            "description": "Only deliveries in this status."
          },
          "cursor": {
            "type": "string",
            "maxLength": 256,
            "description": "From a previous page's cursor."
          },
          "limit": {
            "type": "integer",
            "minimum": 1,
            "maximum": 100,
            "default": 50,
            "description": "Deliveries per page."
          }
        }
      },
      "output": {
        "encoding": "application/json",
        "schema": {
          "type": "object",
          "required": [
            "deliveries"
          ],
          "properties": {
            "deliveries": {
              "type": "array",
              "maxLength": 100,
              "items": {
                "type": "ref",
                "ref": "dev.sigil.webhook.defs#delivery"
              }
            },
            "cursor": {
              "type": "string",
              "maxLength": 256,
              "description": "Present when there are older deliveries."
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
        ("dev/sigil/webhook/recover.json", #"""
{
  "lexicon": 1,
  "id": "dev.sigil.webhook.recover",
  "defs": {
    "main": {
      "type": "procedure",
      "description": "Queue again every dead or cancelled delivery of a webhook created in a time window (at most 1,000 per call, oldest first): each with its original id (webhook-id), to the webhook as it is now, signed with what signs now. A delivery already queued again is not queued twice; one never queued (no body kept) cannot be.",
      "input": {
        "encoding": "application/json",
        "schema": {
          "type": "object",
          "required": [
            "webhook",
            "since"
          ],
          "properties": {
            "webhook": {
              "type": "string",
              "format": "record-key",
              "description": "The record key of the caller's place.wisp.v2.wh record."
            },
            "since": {
              "type": "string",
              "format": "datetime",
              "description": "Deliveries created at or after this time."
            },
            "until": {
              "type": "string",
              "format": "datetime",
              "description": "Deliveries created before this time (default: now)."
            }
          }
        }
      },
      "output": {
        "encoding": "application/json",
        "schema": {
          "type": "object",
          "required": [
            "queued"
          ],
          "properties": {
            "queued": {
              "type": "integer",
              "minimum": 0,
              "description": "Deliveries queued again by this call."
            },
            "more": {
              "type": "boolean",
              "description": "More deliveries in the window could be recovered: call again."
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
        ("dev/sigil/webhook/redeliver.json", #"""
{
  "lexicon": 1,
  "id": "dev.sigil.webhook.redeliver",
  "defs": {
    "main": {
      "type": "procedure",
      "description": "Send a delivery's payload again, to the webhook as it is now, as a new attempt chain: the same webhook-id, a fresh signature with the current token.",
      "input": {
        "encoding": "application/json",
        "schema": {
          "type": "object",
          "required": [
            "id"
          ],
          "properties": {
            "id": {
              "type": "string",
              "maxLength": 64,
              "description": "The delivery id (its webhook-id header)."
            }
          }
        }
      },
      "output": {
        "encoding": "application/json",
        "schema": {
          "type": "object",
          "required": [
            "id",
            "status"
          ],
          "properties": {
            "id": {
              "type": "string",
              "maxLength": 64,
              "description": "The delivery id (its webhook-id header)."
            },
            "status": {
              "type": "string",
              "maxLength": 32,
              "knownValues": [
                "pending"
              ],
              "description": "The delivery's status now."
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
        ("dev/sigil/webhook/sendTest.json", #"""
{
  "lexicon": 1,
  "id": "dev.sigil.webhook.sendTest",
  "defs": {
    "main": {
      "type": "procedure",
      "description": "Send a signed ping event (\"event\": \"ping\") to the webhook's URL now and answer with the receiver's status and the latency, to check an endpoint and its secret in one call. Not queued, not retried.",
      "input": {
        "encoding": "application/json",
        "schema": {
          "type": "object",
          "required": [
            "webhook"
          ],
          "properties": {
            "webhook": {
              "type": "string",
              "format": "record-key",
              "description": "The webhook: the record key of the caller's place.wisp.v2.wh record."
            }
          }
        }
      },
      "output": {
        "encoding": "application/json",
        "schema": {
          "type": "object",
          "required": [
            "ok",
            "latencyMs"
          ],
          "properties": {
            "ok": {
              "type": "boolean",
              "description": "Whether the receiver answered 2xx."
            },
            "status": {
              "type": "integer",
              "minimum": 0,
              "maximum": 999,
              "description": "The receiver's HTTP status, if it answered."
            },
            "latencyMs": {
              "type": "integer",
              "minimum": 0,
              "description": "From the start of the attempt to the receiver's answer (or the failure)."
            },
            "error": {
              "type": "string",
              "maxLength": 1024,
              "description": "Why it failed, if it did."
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
        ("dev/sigil/webhook/setEnabled.json", #"""
{
  "lexicon": 1,
  "id": "dev.sigil.webhook.setEnabled",
  "defs": {
    "main": {
      "type": "procedure",
      "description": "Pause or resume a webhook without editing its record. Recorded; a later change of the record wins.",
      "input": {
        "encoding": "application/json",
        "schema": {
          "type": "object",
          "required": [
            "webhook",
            "enabled"
          ],
          "properties": {
            "webhook": {
              "type": "string",
              "format": "record-key",
              "description": "The webhook: the record key of the caller's place.wisp.v2.wh record."
            },
            "enabled": {
              "type": "boolean",
              "description": "Whether it delivers."
            }
          }
        }
      },
      "output": {
        "encoding": "application/json",
        "schema": {
          "type": "object",
          "required": [
            "webhook",
            "enabled"
          ],
          "properties": {
            "webhook": {
              "type": "string",
              "format": "record-key",
              "description": "The webhook: the record key of the caller's place.wisp.v2.wh record."
            },
            "enabled": {
              "type": "boolean",
              "description": "Whether it delivers now."
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
            },
            "token": {
              "type": "string",
              "minLength": 32,
              "maxLength": 256,
              "description": "A token the receiving system already generated, to register instead of generating one: 32 to 256 printable ASCII characters, no whitespace; one starting with whsec_ must be whsec_ + standard base64 of 24 to 512 bytes. Refused if Sigil ever held it (this secret's earlier tokens, any live token). Signatures: X-Webhook-Signature keys HMAC with the token's text; Standard Webhooks v1 keys it with the token's bytes (a stock library takes whsec_ + base64 of the token)."
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
      "description": "Rotate a webhook signing secret, generating a new token (or registering the one given). The old token stops working immediately. The new token is only returned in this response.",
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
            },
            "token": {
              "type": "string",
              "minLength": 32,
              "maxLength": 256,
              "description": "A token the receiving system already generated, to register instead of generating one: 32 to 256 printable ASCII characters, no whitespace; one starting with whsec_ must be whsec_ + standard base64 of 24 to 512 bytes. Refused if Sigil ever held it (this secret's earlier tokens, any live token). Signatures: X-Webhook-Signature keys HMAC with the token's text; Standard Webhooks v1 keys it with the token's bytes (a stock library takes whsec_ + base64 of the token). (A Sigil extension of wisp.place's rotate.)"
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
