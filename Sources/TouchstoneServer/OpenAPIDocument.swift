/// The OpenAPI 3.1 description of the server's API, served at `/openapi.json` and committed as
/// `docs/openapi.json` (a test keeps the two identical). Hand-written: generating it would need
/// swift-openapi-generator's plugin at build time.
public enum OpenAPIDocument {
    public static let json = #"""
        {
          "openapi": "3.1.0",
          "info": {
            "title": "Touchstone server",
            "version": "0.1.0",
            "description": "`touchstone serve`: assignment, exposure and event ingestion, and live read-outs over the same library code as the command line. Every error is a 4xx (5xx for the server's own failures) with `{\"error\": text}`."
          },
          "servers": [
            {
              "url": "http://127.0.0.1:8080"
            }
          ],
          "paths": {
            "/healthz": {
              "get": {
                "operationId": "health",
                "summary": "Liveness",
                "responses": {
                  "200": {
                    "description": "OK",
                    "content": {
                      "application/json": {
                        "schema": {
                          "type": "object",
                          "properties": {
                            "status": {
                              "const": "ok"
                            }
                          },
                          "required": [
                            "status"
                          ]
                        }
                      }
                    }
                  }
                }
              }
            },
            "/v1/assign": {
              "get": {
                "operationId": "assign",
                "summary": "Assign one unit (as `touchstone assign --format json`)",
                "description": "Every experiment of the config, or the one named, evaluated now. Query parameters other than `unit` and `experiment` are the unit's attributes (targeting, and experiments whose `unit:` is another attribute).",
                "parameters": [
                  {
                    "name": "unit",
                    "in": "query",
                    "required": true,
                    "schema": {
                      "type": "string",
                      "minLength": 1
                    }
                  },
                  {
                    "name": "experiment",
                    "in": "query",
                    "required": false,
                    "schema": {
                      "type": "string"
                    }
                  },
                  {
                    "name": "attributes",
                    "in": "query",
                    "required": false,
                    "style": "form",
                    "explode": true,
                    "schema": {
                      "type": "object",
                      "additionalProperties": {
                        "type": "string"
                      }
                    }
                  }
                ],
                "responses": {
                  "200": {
                    "description": "OK",
                    "content": {
                      "application/json": {
                        "schema": {
                          "type": "array",
                          "items": {
                            "$ref": "#/components/schemas/Assignment"
                          }
                        }
                      }
                    }
                  },
                  "400": {
                    "description": "Refused",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  },
                  "404": {
                    "description": "Refused",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  }
                }
              }
            },
            "/v1/exposures": {
              "post": {
                "operationId": "postExposures",
                "summary": "Ingest exposures (answered after the durable commit)",
                "description": "A JSON array or JSON Lines of exposure rows. Idempotent: re-sending a batch changes nothing. Concurrent requests share one commit (group commit). Refused without writing anything: malformed JSON, wrong types, an experiment or variant not in the config, invalid UTF-8 (400), more rows than the batch limit (400), a body over the size limit (413).",
                "requestBody": {
                  "required": true,
                  "content": {
                    "application/json": {
                      "schema": {
                        "type": "array",
                        "items": {
                          "$ref": "#/components/schemas/Exposure"
                        }
                      }
                    },
                    "application/x-ndjson": {
                      "schema": {
                        "type": "string",
                        "description": "One Exposure object per line."
                      }
                    }
                  }
                },
                "responses": {
                  "200": {
                    "description": "OK",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Accepted"
                        }
                      }
                    }
                  },
                  "400": {
                    "description": "Refused",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  },
                  "413": {
                    "description": "Refused",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  }
                }
              }
            },
            "/v1/events": {
              "post": {
                "operationId": "postEvents",
                "summary": "Ingest events (answered after the durable commit)",
                "description": "A JSON array or JSON Lines of event rows (the columns of an event log). Events are a set: a row equal to a stored one in unit, event, time (µs) and value is the same event, so re-sending a batch changes nothing.",
                "requestBody": {
                  "required": true,
                  "content": {
                    "application/json": {
                      "schema": {
                        "type": "array",
                        "items": {
                          "$ref": "#/components/schemas/Event"
                        }
                      }
                    },
                    "application/x-ndjson": {
                      "schema": {
                        "type": "string",
                        "description": "One Event object per line."
                      }
                    }
                  }
                },
                "responses": {
                  "200": {
                    "description": "OK",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Accepted"
                        }
                      }
                    }
                  },
                  "400": {
                    "description": "Refused",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  },
                  "413": {
                    "description": "Refused",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  }
                }
              }
            },
            "/v1/experiments/{key}/exposures": {
              "get": {
                "operationId": "exposures",
                "summary": "Exposure counts and SRM (as `touchstone exposures --config --format json`)",
                "parameters": [
                  {
                    "name": "key",
                    "in": "path",
                    "required": true,
                    "schema": {
                      "type": "string"
                    },
                    "description": "Experiment key (as in the config)."
                  }
                ],
                "responses": {
                  "200": {
                    "description": "OK",
                    "content": {
                      "application/json": {
                        "schema": {
                          "type": "object",
                          "description": "The JSON of `touchstone exposures --format json` (docs/cli.md)."
                        }
                      }
                    }
                  },
                  "404": {
                    "description": "Refused",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  }
                }
              }
            },
            "/v1/experiments/{key}/results": {
              "get": {
                "operationId": "results",
                "summary": "Read-out (as `touchstone analyze --store --config --format json`)",
                "description": "Analyses the stored exposures and events with the analysis code of `analyze`.",
                "parameters": [
                  {
                    "name": "key",
                    "in": "path",
                    "required": true,
                    "schema": {
                      "type": "string"
                    },
                    "description": "Experiment key (as in the config)."
                  },
                  {
                    "name": "metric",
                    "in": "query",
                    "style": "form",
                    "explode": true,
                    "schema": {
                      "type": "array",
                      "items": {
                        "type": "string"
                      }
                    },
                    "description": "EVENT[:conversion|sum|count|retention:N], repeatable; default the config's metrics."
                  },
                  {
                    "name": "ratio",
                    "in": "query",
                    "style": "form",
                    "explode": true,
                    "schema": {
                      "type": "array",
                      "items": {
                        "type": "string"
                      }
                    },
                    "description": "NAME=NUM/DEN, repeatable."
                  },
                  {
                    "name": "control",
                    "in": "query",
                    "schema": {
                      "type": "string"
                    },
                    "description": "Default: the first variant."
                  },
                  {
                    "name": "window",
                    "in": "query",
                    "schema": {
                      "type": "string",
                      "default": "14d"
                    }
                  },
                  {
                    "name": "method",
                    "in": "query",
                    "schema": {
                      "type": "string",
                      "enum": [
                        "frequentist",
                        "bayesian",
                        "sequential"
                      ]
                    }
                  },
                  {
                    "name": "alpha",
                    "in": "query",
                    "schema": {
                      "type": "number",
                      "exclusiveMinimum": 0,
                      "exclusiveMaximum": 1,
                      "default": 0.05
                    }
                  }
                ],
                "responses": {
                  "200": {
                    "description": "OK",
                    "content": {
                      "application/json": {
                        "schema": {
                          "type": "object",
                          "description": "The JSON of `touchstone analyze --format json` (docs/cli.md)."
                        }
                      }
                    }
                  },
                  "400": {
                    "description": "Refused",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  },
                  "404": {
                    "description": "Refused",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  },
                  "422": {
                    "description": "Refused",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  }
                }
              }
            },
            "/v1/experiments/{key}/report": {
              "get": {
                "operationId": "report",
                "summary": "Read-out as the HTML report (as `analyze --format html`)",
                "parameters": [
                  {
                    "name": "key",
                    "in": "path",
                    "required": true,
                    "schema": {
                      "type": "string"
                    },
                    "description": "Experiment key (as in the config)."
                  }
                ],
                "responses": {
                  "200": {
                    "description": "OK",
                    "content": {
                      "text/html": {
                        "schema": {
                          "type": "string"
                        }
                      }
                    }
                  },
                  "400": {
                    "description": "Refused",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  },
                  "404": {
                    "description": "Refused",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  },
                  "422": {
                    "description": "Refused",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  }
                }
              }
            },
            "/openapi.json": {
              "get": {
                "operationId": "openapi",
                "summary": "This document",
                "responses": {
                  "200": {
                    "description": "OK",
                    "content": {
                      "application/json": {
                        "schema": {
                          "type": "object"
                        }
                      }
                    }
                  }
                }
              }
            },
            "/": {
              "get": {
                "operationId": "statusPage",
                "summary": "Live HTML page: experiments, arms, exposure counts, SRM, latest read-out",
                "responses": {
                  "200": {
                    "description": "OK",
                    "content": {
                      "text/html": {
                        "schema": {
                          "type": "string"
                        }
                      }
                    }
                  }
                }
              }
            }
          },
          "components": {
            "schemas": {
              "Error": {
                "type": "object",
                "properties": {
                  "error": {
                    "type": "string"
                  }
                },
                "required": [
                  "error"
                ]
              },
              "Accepted": {
                "type": "object",
                "properties": {
                  "accepted": {
                    "type": "integer",
                    "minimum": 0
                  }
                },
                "required": [
                  "accepted"
                ]
              },
              "Assignment": {
                "type": "object",
                "required": [
                  "unit_id",
                  "experiment",
                  "variant",
                  "bucket",
                  "reason"
                ],
                "properties": {
                  "unit_id": {
                    "type": "string"
                  },
                  "experiment": {
                    "type": "string"
                  },
                  "variant": {
                    "type": [
                      "string",
                      "null"
                    ]
                  },
                  "bucket": {
                    "type": [
                      "number",
                      "null"
                    ],
                    "minimum": 0,
                    "exclusiveMaximum": 1
                  },
                  "reason": {
                    "type": "string",
                    "enum": [
                      "enrolled",
                      "forced",
                      "inactive",
                      "not targeted",
                      "holdout",
                      "excluded by layer",
                      "coverage",
                      "missing unit"
                    ]
                  }
                }
              },
              "Exposure": {
                "type": "object",
                "required": [
                  "unit_id",
                  "experiment",
                  "variant",
                  "timestamp"
                ],
                "properties": {
                  "unit_id": {
                    "type": [
                      "string",
                      "number"
                    ]
                  },
                  "experiment": {
                    "type": "string",
                    "minLength": 1
                  },
                  "variant": {
                    "type": "string",
                    "minLength": 1
                  },
                  "timestamp": {
                    "type": [
                      "string",
                      "number"
                    ],
                    "description": "ISO 8601 or epoch seconds."
                  }
                }
              },
              "Event": {
                "type": "object",
                "required": [
                  "unit_id",
                  "timestamp",
                  "event"
                ],
                "properties": {
                  "unit_id": {
                    "type": [
                      "string",
                      "number"
                    ]
                  },
                  "timestamp": {
                    "type": [
                      "string",
                      "number"
                    ],
                    "description": "ISO 8601 or epoch seconds."
                  },
                  "event": {
                    "type": "string",
                    "minLength": 1
                  },
                  "value": {
                    "type": [
                      "number",
                      "null"
                    ]
                  }
                }
              }
            }
          }
        }
        """#
}
