/// One channel's credit. Property names are the JSON contract of `touchstone attribute`.
public struct ChannelCredit: Sendable, Codable, Equatable {
    public var channel: String
    /// Conversions credited to the channel.
    public var conversions: Double
    /// Conversion value credited to the channel.
    public var value: Double
    /// `conversions / totalConversions`.
    public var share: Double
    /// Markov models: the conversion removal effect `1 − P(conv | channel removed) / P(conv)`.
    public var removalEffect: Double?
    /// Markov models: the removal effect on conversion value.
    public var valueRemovalEffect: Double?
    /// Bootstrap percentile interval of ``conversions`` (when requested).
    public var conversionsCI: [Double]?
    /// Bootstrap percentile interval of ``value`` (when requested).
    public var valueCI: [Double]?

    public init(channel: String, conversions: Double, value: Double, share: Double) {
        self.channel = channel
        self.conversions = conversions
        self.value = value
        self.share = share
    }
}

/// The result of one attribution model. Property names are the JSON contract.
public struct AttributionResult: Sendable, Codable, Equatable {
    public var model: String
    public var totalConversions: Double
    public var totalValue: Double
    public var channels: [ChannelCredit]
    /// Conversions with no touch in their lookback window (credited to no channel).
    public var unattributedConversions: Double?
    /// Settings that shape the numbers (order, lookback, conventions), for the record.
    public var settings: [String: String]?
    /// Bootstrap replicates and seed when intervals are present.
    public var bootstrap: BootstrapSummary?
    /// Attributed credit next to experiment-measured incrementality (`--calibration`).
    public var calibration: CalibrationReport?
    /// Markov with `--order auto`: the order chosen and every candidate's held-out score
    /// (``MarkovOrderSelection``).
    public var order: Int?
    public var orderSelection: [MarkovOrderSelection.Score]?

    public init(model: String, totalConversions: Double, totalValue: Double, channels: [ChannelCredit]) {
        self.model = model
        self.totalConversions = totalConversions
        self.totalValue = totalValue
        self.channels = channels
    }

    /// Builds a result from per-channel credit arrays indexed by channel id.
    init(model: String, paths: PathSet, conversions: [Double], values: [Double]) {
        let total = paths.totalConversions
        var channels: [ChannelCredit] = []
        for (id, name) in paths.channels.names.enumerated() {
            let credit = id < conversions.count ? conversions[id] : 0
            channels.append(ChannelCredit(
                channel: name, conversions: credit, value: id < values.count ? values[id] : 0,
                share: total > 0 ? credit / total : 0))
        }
        self.init(model: model, totalConversions: total, totalValue: paths.totalValue, channels: channels)
        if paths.unattributedConversions > 0 { unattributedConversions = paths.unattributedConversions }
    }

    /// The credit of `channel`, if present.
    public func credit(for channel: String) -> ChannelCredit? {
        channels.first { $0.channel == channel }
    }
}

/// How bootstrap intervals were computed.
public struct BootstrapSummary: Sendable, Codable, Equatable {
    public var replicates: Int
    public var seed: UInt64
    public var level: Double
    /// What was resampled: `units` (touchpoint logs) or `journeys` (aggregated paths).
    public var resampled: String
}
