/// A version string compared by Semantic Versioning 2.0.0 precedence (<https://semver.org>, §11).
///
/// Lenient on input as app versions in the wild are: a leading `v` is dropped, missing
/// components count as 0 (`5.2` = `5.2.0`), more than three numeric components are compared
/// too, and build metadata (`+…`) is ignored. A pre-release (`1.0.0-rc.1`) ranks below its
/// release; its dot-separated identifiers compare numerically when both are numbers, otherwise
/// as ASCII text, and numbers rank below text.
public struct SemanticVersion: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let components: [Int]
    public let prerelease: [String]
    public let description: String

    /// `nil` when the text has no leading numeric component.
    public init?(_ text: String) {
        var body = Substring(text.trimmingSpaces())
        if body.first == "v" || body.first == "V" { body = body.dropFirst() }
        if let plus = body.firstIndex(of: "+") { body = body[..<plus] }
        var pre: [String] = []
        if let dash = body.firstIndex(of: "-") {
            pre = body[body.index(after: dash)...].split(separator: ".", omittingEmptySubsequences: false).map(String.init)
            body = body[..<dash]
        }
        var parts: [Int] = []
        for piece in body.split(separator: ".", omittingEmptySubsequences: false) {
            guard !piece.isEmpty, piece.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }), let value = Int(piece) else { return nil }
            parts.append(value)
        }
        guard !parts.isEmpty else { return nil }
        while parts.count < 3 { parts.append(0) }
        self.components = parts
        self.prerelease = pre
        self.description = text
    }

    public static func == (lhs: SemanticVersion, rhs: SemanticVersion) -> Bool {
        compare(lhs, rhs) == 0
    }

    public func hash(into hasher: inout Hasher) {
        var trimmed = components
        while trimmed.count > 3, trimmed.last == 0 { trimmed.removeLast() }
        hasher.combine(trimmed)
        hasher.combine(prerelease)
    }

    public static func < (lhs: SemanticVersion, rhs: SemanticVersion) -> Bool {
        compare(lhs, rhs) < 0
    }

    static func compare(_ lhs: SemanticVersion, _ rhs: SemanticVersion) -> Int {
        for index in 0..<max(lhs.components.count, rhs.components.count) {
            let left = index < lhs.components.count ? lhs.components[index] : 0
            let right = index < rhs.components.count ? rhs.components[index] : 0
            if left != right { return left < right ? -1 : 1 }
        }
        // A release outranks any of its pre-releases.
        switch (lhs.prerelease.isEmpty, rhs.prerelease.isEmpty) {
        case (true, true): return 0
        case (true, false): return 1
        case (false, true): return -1
        case (false, false): break
        }
        for index in 0..<max(lhs.prerelease.count, rhs.prerelease.count) {
            guard index < lhs.prerelease.count else { return -1 }
            guard index < rhs.prerelease.count else { return 1 }
            let left = lhs.prerelease[index], right = rhs.prerelease[index]
            switch (Int(left), Int(right)) {
            case let (l?, r?): if l != r { return l < r ? -1 : 1 }
            case (.some, nil): return -1
            case (nil, .some): return 1
            case (nil, nil): if left != right { return left < right ? -1 : 1 }
            }
        }
        return 0
    }
}

extension String {
    func trimmingSpaces() -> Substring {
        var slice = Substring(self)
        while let first = slice.first, first == " " || first == "\t" { slice = slice.dropFirst() }
        while let last = slice.last, last == " " || last == "\t" { slice = slice.dropLast() }
        return slice
    }
}
