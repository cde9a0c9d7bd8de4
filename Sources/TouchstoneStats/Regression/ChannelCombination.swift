/// The set of channels an arm of a channel-combination experiment receives: `control` (or an
/// arm named as the control) receives none, `email+push` receives email and push.
public struct ChannelCombination: Sendable, Hashable {
    /// Channel names in the order written.
    public var channels: [String]

    public init(channels: [String]) { self.channels = channels }

    /// Parses a variant name; the control arm is the empty combination.
    public init(variant: String, control: String) {
        if variant == control {
            channels = []
        } else {
            var seen: [String] = []
            for part in variant.split(separator: "+") {
                // Blanks around '+' are layout, not part of a channel name.
                let name = String(part.drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
                if !name.isEmpty, !seen.contains(name) { seen.append(name) }
            }
            channels = seen
        }
    }

    /// Whether every channel of `other` is also in this combination.
    public func contains(_ other: ChannelCombination) -> Bool {
        other.channels.allSatisfy(channels.contains)
    }

    /// Whether any variant name joins channels with `+`, i.e. the arms form a channel design.
    public static func isChannelDesign(_ variants: [String]) -> Bool {
        variants.contains { $0.contains("+") }
    }
}
