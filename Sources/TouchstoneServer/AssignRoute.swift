import Foundation
import NIOCore
import TouchstoneExperiment

/// `GET /v1/assign?unit=ID[&experiment=KEY][&ATTR=VALUE...]`: the records `touchstone assign
/// --format json` prints for that unit — every experiment of the config, or the one named —
/// evaluated now. Parameters other than `unit` and `experiment` are the unit's attributes for
/// targeting and for experiments whose `unit:` is another attribute.
enum AssignRoute {
    static func respond(query: String?, config: LiveConfig.Snapshot, at date: Date = Date()) throws -> ByteBuffer {
        let parameters = try QueryString(query)
        guard let unit = try parameters["unit"], !unit.isEmpty else {
            throw APIError.badRequest("give the unit id: /v1/assign?unit=ID")
        }
        var attributes: [String: String] = [:]
        for (name, value) in parameters.parameters where name != "unit" && name != "experiment" {
            if attributes[name] != nil, attributes[name] != value {
                throw APIError.badRequest("attribute '\(name)' is given twice with different values")
            }
            attributes[name] = value
        }
        var indices = Array(config.config.experiments.indices)
        if let key = try parameters["experiment"] {
            guard let index = config.config.experiments.firstIndex(where: { $0.key == key }) else {
                throw APIError.notFound("unknown experiment '\(key)' (experiments: \(config.config.experiments.map(\.key).joined(separator: ", ")))")
            }
            indices = [index]
        }
        let assignments = indices.map { index in
            config.assigner.assign(experimentAt: index, unitId: unit, attributes: attributes, at: date)
        }
        var buffer = ByteBuffer()
        buffer.reserveCapacity(128 * assignments.count)
        AssignAnswer.write(unit: unit, assignments: assignments, into: &buffer)
        return buffer
    }
}
