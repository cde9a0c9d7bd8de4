extension AnalysisRequest {
    /// The refusals of `--timeline`: it needs the events' times and each unit's exposures.
    func validateTimeline() throws {
        guard timeline != nil else { return }
        switch source {
        case .rawLogs: break
        case .store:
            // The store keeps each unit's first exposure but not when a unit was seen in a second
            // variant, so a cut of it at an earlier day could not be reproduced.
            throw AnalysisRequestError.conflict(
                "{timeline} needs the exposure log itself ({exposures} FILE {events} FILE): the store does not keep when a unit was exposed to a second variant")
        case .summary, .units, .powerSums, .pushedDown:
            throw AnalysisRequestError.conflict(
                "{timeline} needs timestamped raw logs: give {exposures} FILE {events} FILE (summaries, unit tables and power sums have no times)")
        }
        if segmentColumn != nil {
            throw AnalysisRequestError.conflict("{timeline} and {segmentColumn} do not go together yet: run the segmented read-out without {timeline}")
        }
        if settings.plannedLooks != nil {
            throw AnalysisRequestError.conflict(
                "{timeline} shows every day, which a group-sequential design with {looks} does not allow: use {method} sequential without {looks} (the mixture SPRT is valid at every day)")
        }
    }
}
