import Foundation

/// Configs and data shared by the server tests.
enum ServerFixtures {
    /// Three experiments covering the assignment rules: native hashing with a layer, targeting
    /// and a forced unit; GrowthBook v1 with partial coverage; GrowthBook v2 keyed on another
    /// unit attribute; plus a holdout.
    static let config = """
        experiments:
          - key: checkout
            hash: touchstone
            variants: [control, treatment]
            layer: { name: messaging, range: [0.0, 0.6] }
            targeting: { country: { in: [US, CA] } }
            forced: { qa-user-1: treatment }
            metrics: [purchase, purchase:sum]
          - key: banner
            hash: growthbook-v1
            coverage: 0.8
            variants:
              - { name: control, weight: 2 }
              - { name: red, weight: 1 }
              - { name: blue, weight: 1 }
          - key: pricing
            hash: growthbook-v2
            unit: account_id
            holdouts: [global]
            variants: [control, cheaper]
        layers: [{ name: messaging }]
        holdouts:
          - { key: global, share: 0.05 }
        """

    /// `count` units with a country and an account id; the first is the forced QA user.
    static func units(_ count: Int) -> [(id: String, country: String, account: String)] {
        let countries = ["US", "CA", "DE", "FR", "JP"]
        return (0..<count).map { index in
            (index == 0 ? "qa-user-1" : "user-\(index)", countries[index % countries.count], "acct-\(index / 3)")
        }
    }
}
