import Testing
import TwinTensor

@Suite struct HalfFloatTests {
  @Test func softwareF16ConversionMatchesTheHardwareOnEveryBitPattern() {
    for bits in UInt16.min...UInt16.max {
      let hardware = HalfFloat.float(bits)
      let software = HalfFloat.softwareFloat(bits)
      if hardware.isNaN {
        #expect(software.isNaN && software.sign == hardware.sign, "bits \(bits)")
      } else if hardware.bitPattern != software.bitPattern {
        Issue.record(
          "F16 bits \(String(bits, radix: 16)): hardware \(hardware), software \(software)")
      }
    }
  }

  @Test func eightLaneFormsEqualTheScalarOnes() {
    let bits: [UInt16] = [0x3C00, 0xC000, 0x0001, 0x7BFF, 0x8000, 0x7C00, 0x3F80, 0x4049, 0x1234]
    var padded = [UInt8](repeating: 0, count: 1 + 2 * 8)
    // Odd offset: tensor data in a mapped file need not be aligned.
    for (i, b) in bits.prefix(8).enumerated() {
      padded[1 + 2 * i] = UInt8(b & 0xff)
      padded[2 + 2 * i] = UInt8(b >> 8)
    }
    padded.withUnsafeBytes { raw in
      let p = raw.baseAddress! + 1
      let halves = HalfFloat.floats(at: p)
      let bfloats = HalfFloat.bfloats(at: p)
      for i in 0..<8 {
        #expect(halves[i].bitPattern == HalfFloat.float(bits[i]).bitPattern)
        #expect(bfloats[i].bitPattern == HalfFloat.bfloat(bits[i]).bitPattern)
        #expect(HalfFloat.float(at: p + 2 * i).bitPattern == HalfFloat.float(bits[i]).bitPattern)
      }
    }
  }
}
