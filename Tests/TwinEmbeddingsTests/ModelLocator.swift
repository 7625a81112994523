import Foundation

/// The committed fixtures of this test target.
enum ModelLocator {
  static func fixture(_ name: String) -> URL {
    Bundle.module.resourceURL!.appendingPathComponent("Fixtures").appendingPathComponent(name)
  }
}
