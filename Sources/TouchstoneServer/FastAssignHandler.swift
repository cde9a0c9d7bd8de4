#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import HTTPTypes
import NIOCore
import NIOHTTP1
import NIOHTTPTypes

/// Answers `GET /v1/assign` on the connection's event loop, inside the channel pipeline, and
/// hands every other request to Hummingbird's router unchanged.
///
/// Assignment is the one route that must be fast (issue 18 asks ≥ 20,000 requests/s on two
/// cores, server and load generator sharing them). Through the router, a request is handed from
/// the pipeline to an `NIOAsyncChannel` stream, read by a task, routed, passed through the
/// error middleware and written back through the async writer: the profile in docs/serving.md
/// put more than 90% of the CPU in that stack and the kernel, and our route at 6%. Here the
/// request is answered where it is decoded — the same ``AssignRoute`` call, so the same body, the
/// same status and the same `{"error": …}` text for every query (tested against the router in
/// `FastAssignTests`), and the same headers as the router path (`Content-Type`,
/// `Content-Length`, `Date`, `Server: touchstone`).
///
/// Position: Hummingbird's `HTTP1Channel.Configuration.additionalChannelHandlers`, i.e. after
/// HTTP/1 parsing (`HTTP1ToHTTPServerCodec`) and before Hummingbird's connection-state handler
/// and async channel; one instance per connection, used only on its event loop.
///
/// What is passed through: any method but GET (HEAD included), any target but `/v1/assign` or
/// `/v1/assign?…` exactly (the router decides the rest as before), and — so that answers keep
/// the order of pipelined requests — every request that arrives while a request handed to the
/// router has not been answered yet. `Connection: close` closes the connection after the
/// answer, as Hummingbird does; a graceful-shutdown event that arrives mid-request waits for
/// the answer.
final class FastAssignHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private enum State {
        /// Between requests, or inside one handed to the router.
        case idle
        /// Inside a `GET /v1/assign` being answered here: its head is read, its end is not.
        case answering(query: String?, close: Bool)
        /// Closed after a `Connection: close` answer; later parts are dropped.
        case closed
    }

    private let live: LiveConfig
    private var state = State.idle
    /// Requests handed to the router whose response has not been written completely.
    private var routerResponsesOwed = 0
    /// A shutdown request (`ChannelShouldQuiesceEvent`) that arrived while answering.
    private var deferredQuiesce: Any?
    private var date = HTTPDateCache()
    /// The context of NIO's HTTP/1 response encoder, the first handler of the pipeline: an
    /// answer written through it reaches the socket as it is. Held only while both are in the
    /// pipeline (`handlerRemoved` runs for every handler when the channel closes).
    private var encoder: ChannelHandlerContext?

    init(live: LiveConfig) {
        self.live = live
    }

    func handlerAdded(context: ChannelHandlerContext) {
        encoder = try? context.pipeline.syncOperations.context(handlerType: HTTPResponseEncoder.self)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        encoder = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let part = unwrapInboundIn(data)
        switch (state, part) {
        case (.closed, _):
            return
        case (.idle, .head(let request)):
            if routerResponsesOwed == 0, request.method == .get, let target = request.path,
                let assign = AssignTarget(target)
            {
                state = .answering(query: assign.query, close: request.headerFields[.connection] == "close")
                return
            }
            routerResponsesOwed += 1
            context.fireChannelRead(data)
        case (.answering, .body):
            return  // a GET body is ignored, as the router's assign route does
        case (.answering(let query, let close), .end):
            state = .idle
            answer(context: context, query: query, close: close)
        default:
            context.fireChannelRead(data)
        }
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        // Only the router's writes come through here; this handler's own start below it.
        // (A parse error is answered by Hummingbird without a head having passed: hence max.)
        if case .end = unwrapOutboundIn(data) {
            routerResponsesOwed = max(0, routerResponsesOwed - 1)
        }
        context.write(data, promise: promise)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is ChannelShouldQuiesceEvent, case .answering = state {
            deferredQuiesce = event
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    private func answer(context: ChannelHandlerContext, query: String?, close: Bool) {
        let status: HTTPResponse.Status
        let body: ByteBuffer
        do {
            body = try AssignRoute.respond(query: query, config: live.snapshot)
            status = .ok
        } catch let error as APIError {
            status = error.status
            body = ByteBuffer(string: JSONResponse.errorText(error.message))
        } catch {
            // AssignRoute throws only APIError; anything else is the router's 500 shape.
            status = .internalServerError
            body = ByteBuffer(string: JSONResponse.errorText("\(error)"))
        }
        if let encoder {
            // The whole response as one buffer, written below the HTTP codecs: no HTTPFields,
            // no conversion to NIO's head type, one `write` instead of a `writev` of head and
            // body. The encoder has nothing of ours queued — a router response still owed means
            // this request went to the router — so the bytes leave in request order.
            var response = encoder.channel.allocator.buffer(capacity: 160 + body.readableBytes)
            response.writeStaticString("HTTP/1.1 ")
            response.writeString(String(status.code))
            response.writeStaticString(" ")
            response.writeString(status.reasonPhrase)
            response.writeStaticString("\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ")
            response.writeString(String(body.readableBytes))
            response.writeStaticString("\r\nDate: ")
            response.writeString(date.now())
            response.writeStaticString("\r\nServer: touchstone\r\n\r\n")
            var body = body
            response.writeBuffer(&body)
            encoder.writeAndFlush(NIOAny(response), promise: nil)
        } else {
            let head = HTTPResponse(
                status: status,
                headerFields: [
                    .contentType: "application/json; charset=utf-8", .contentLength: String(body.readableBytes),
                    .date: date.now(), .server: "touchstone",
                ])
            context.write(wrapOutboundOut(.head(head)), promise: nil)
            context.write(wrapOutboundOut(.body(body)), promise: nil)
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        }
        if close {
            state = .closed
            context.close(promise: nil)
        }
        if let event = deferredQuiesce {
            deferredQuiesce = nil
            context.fireUserInboundEventTriggered(event)
        }
    }
}

/// A request target naming `GET /v1/assign`: `/v1/assign` or `/v1/assign?QUERY` exactly.
struct AssignTarget: Equatable {
    /// The query, split as Hummingbird's `URI` splits it (after the first `?`, up to a `#`), so
    /// the handler and the router see the same text; nil when there is no `?`.
    let query: String?

    init(query: String?) { self.query = query }

    /// Nil for any other target (`/v1/assign/`, `/v1/assignx`, `/v1/assign#x`, absolute forms…),
    /// which the router then answers as before.
    init?(_ target: String) {
        let utf8 = target.utf8
        let route = "/v1/assign".utf8
        guard utf8.starts(with: route) else { return nil }
        let rest = utf8.dropFirst(route.count)
        guard let first = rest.first else {
            query = nil
            return
        }
        guard first == UInt8(ascii: "?") else { return nil }
        let afterMark = rest.dropFirst()
        let end = afterMark.firstIndex(of: UInt8(ascii: "#")) ?? afterMark.endIndex
        query = String(Substring(afterMark[..<end]))
    }
}

/// The `Date` header value (RFC 9110 IMF-fixdate, `Wed, 02 Dec 2026 06:17:29 GMT`), formatted
/// once per second rather than per response.
struct HTTPDateCache {
    private var second = Int.min
    private var text = ""

    mutating func now() -> String {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        let current = Int(time.tv_sec)
        if current != second {
            second = current
            text = Self.format(secondsSince1970: current)
        }
        return text
    }

    static func format(secondsSince1970 seconds: Int) -> String {
        var clock = time_t(seconds)
        var parts = tm()
        gmtime_r(&clock, &parts)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        // tm_wday is 0...6 and tm_mon 0...11 by gmtime's contract.
        return "\(days[Int(parts.tm_wday)]), \(two(parts.tm_mday)) \(months[Int(parts.tm_mon)]) \(parts.tm_year + 1900) "
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)) GMT"
    }
}
