import Hummingbird
import NIOHTTP1

/// A request the server refuses: an HTTP status and a message for the client, sent as
/// `{ "error": message }` (ARCHITECTURE.md, "Serving").
public struct APIError: Error, Sendable, CustomStringConvertible {
    public let status: HTTPResponse.Status
    public let message: String

    public init(_ status: HTTPResponse.Status, _ message: String) {
        self.status = status
        self.message = message
    }

    public var description: String { "\(status.code): \(message)" }

    static func badRequest(_ message: String) -> APIError { APIError(.badRequest, message) }
    static func notFound(_ message: String) -> APIError { APIError(.notFound, message) }
}

/// Turns every error a route throws into `{ "error": text }` with a 4xx/5xx status, so clients
/// get one error shape whatever failed (Hummingbird's own errors, such as a body over the size
/// limit, included). Errors that are not the client's fault are 500 and are logged.
struct JSONErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            return JSONResponse.error(error.status, error.message)
        } catch let error as HTTPError {
            return JSONResponse.error(error.status, error.body ?? error.status.reasonPhrase)
        } catch let error as HTTPParserError {
            // A body the HTTP parser cannot read (a malformed chunk size, say) is the client's
            // fault, met while the route reads the body: 400, not a server failure.
            return JSONResponse.error(.badRequest, "malformed HTTP request body: \(error)")
        } catch let error as any HTTPResponseError {
            let message = error.status == .contentTooLarge ? "the request body is larger than the server's limit" : error.status.reasonPhrase
            return JSONResponse.error(error.status, message)
        } catch {
            context.logger.error("request failed: \(error)")
            return JSONResponse.error(.internalServerError, "\(error)")
        }
    }
}

/// Responses with a JSON, HTML or text body.
enum JSONResponse {
    static func json(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        let body = text.hasSuffix("\n") ? text : text + "\n"
        return Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
    }

    /// A body already ending in a newline.
    static func json(buffer: ByteBuffer) -> Response {
        Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"], body: ResponseBody(byteBuffer: buffer))
    }

    static func html(_ text: String) -> Response {
        Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8"], body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }

    static func error(_ status: HTTPResponse.Status, _ message: String) -> Response {
        json(errorText(message), status: status)
    }

    /// `{"error":"…"}` and a newline: the body of every error, whichever path answers it.
    static func errorText(_ message: String) -> String {
        "{\"error\":\(JSONText.string(message))}\n"
    }
}

/// JSON string literals for hand-built bodies.
enum JSONText {
    static func string(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
