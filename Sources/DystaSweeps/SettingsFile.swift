import DystaCore
import Foundation
import Yams

/// Reading a settings file — an experiment file or a run description: YAML when the name ends
/// in `.yaml` or `.yml`, else JSON. Every error names the file.
enum SettingsFile {
    /// Decodes `url` as `T` and checks it with `validate`; `what` names the file in the error
    /// for a file that cannot be read (e.g. "experiment file").
    static func read<T: Decodable>(_ type: T.Type, from url: URL, what: String, validate: (T) throws -> Void = { _ in }) throws -> T {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw DystaError("cannot read the \(what)", file: url.path)
        }
        let isYAML = ["yaml", "yml"].contains(url.pathExtension.lowercased())
        do {
            let value: T
            if isYAML {
                guard let text = String(data: data, encoding: .utf8) else {
                    throw DystaError("the file is not valid UTF-8 text", file: url.path)
                }
                do {
                    value = try YAMLDecoder().decode(T.self, from: text)
                } catch let error as DecodingError {
                    throw error
                } catch let error as DystaError {
                    throw error
                } catch {
                    throw DystaError("not valid YAML: \(String(describing: error).split(separator: "\n").first ?? "")", file: url.path)
                }
            } else {
                value = try JSONDecoder().decode(T.self, from: data)
            }
            try validate(value)
            return value
        } catch let error as DystaError {
            throw error.inFile(url.path)
        } catch let error as DecodingError {
            throw DystaError(SweepGrid.describe(error, format: isYAML ? "YAML" : "JSON"), file: url.path)
        } catch {
            throw DystaError(isYAML ? "not valid YAML" : "not valid JSON", file: url.path)
        }
    }
}

extension SettingsFile {
    /// Any key of a settings object, to find the ones a type does not know.
    struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    /// Throws for the first key of `decoder`'s object that is not one of `Keys`, naming the known ones.
    static func refuseUnknownKeys<Keys: CodingKey & CaseIterable>(in decoder: any Decoder, known _: Keys.Type) throws {
        let known = Keys.allCases.map(\.stringValue)
        for key in try decoder.container(keyedBy: AnyKey.self).allKeys where !known.contains(key.stringValue) {
            throw DystaError("unknown key '\(key.stringValue)' (known: \(known.sorted().joined(separator: ", ")))")
        }
    }
}

extension KeyedDecodingContainer {
    /// Seeds given as a list of integers or as text the `--seeds` flag takes (`"1-5"`,
    /// `"1,3,7"`; errors call the key `name`); nil when absent.
    func decodeSeedsIfPresent(forKey key: Key, name: String) throws -> [UInt64]? {
        if let text = try? decodeIfPresent(String.self, forKey: key) { return try SeedList.parse(text, name: name) }
        return try decodeIfPresent([UInt64].self, forKey: key)
    }
}
