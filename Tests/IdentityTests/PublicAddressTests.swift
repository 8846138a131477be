import NetworkPolicy
import Testing

@Suite("SSRF address policy")
struct PublicAddressTests {
    static func v6(_ groups: [UInt16]) -> [UInt8] { groups.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] } }

    @Test(
        arguments: [
            ([8, 8, 8, 8], true), ([1, 1, 1, 1], true), ([93, 184, 216, 34], true),
            ([127, 0, 0, 1], false), ([10, 1, 2, 3], false), ([172, 16, 0, 1], false), ([172, 31, 255, 255], false),
            ([172, 32, 0, 1], true), ([192, 168, 1, 1], false), ([169, 254, 169, 254], false), ([100, 64, 0, 1], false),
            ([0, 0, 0, 0], false), ([224, 0, 0, 1], false), ([255, 255, 255, 255], false), ([192, 0, 2, 1], false),
            // Azure's host-services address, and its neighbours on both sides.
            ([168, 63, 129, 16], false), ([168, 63, 129, 15], true), ([168, 63, 129, 17], true),
        ] as [([UInt8], Bool)])
    func ipv4(_ address: [UInt8], _ isPublic: Bool) {
        #expect(PublicAddress.isPublic(address) == isPublic)
    }

    @Test(
        arguments: [
            (v6([0x2606, 0x4700, 0, 0, 0, 0, 0, 0x1111]), true),
            (v6([0, 0, 0, 0, 0, 0, 0, 1]), false),  // ::1
            (v6([0, 0, 0, 0, 0, 0, 0, 0]), false),  // ::
            (v6([0, 0, 0, 0, 0, 0xFFFF, 0x7F00, 0x0001]), false),  // ::ffff:127.0.0.1
            (v6([0, 0, 0, 0, 0, 0xFFFF, 0xA9FE, 0xA9FE]), false),  // ::ffff:169.254.169.254
            (v6([0, 0, 0, 0, 0, 0xFFFF, 0x0808, 0x0808]), true),  // ::ffff:8.8.8.8
            (v6([0xFC00, 0, 0, 0, 0, 0, 0, 1]), false), (v6([0xFD12, 0, 0, 0, 0, 0, 0, 1]), false),
            (v6([0xFE80, 0, 0, 0, 0, 0, 0, 1]), false), (v6([0xFF02, 0, 0, 0, 0, 0, 0, 1]), false),
            (v6([0x2001, 0x0DB8, 0, 0, 0, 0, 0, 1]), false), (v6([0x0064, 0xFF9B, 0, 0, 0, 0, 0x0A00, 1]), false),
            // Teredo 2001::/32 at both ends, and the first addresses outside it.
            (v6([0x2001, 0, 0, 0, 0, 0, 0, 0]), false), (v6([0x2001, 0, 0xFFFF, 0xFFFF, 0xFFFF, 0xFFFF, 0xFFFF, 0xFFFF]), false),
            (v6([0x2001, 0x0001, 0, 0, 0, 0, 0, 0]), true), (v6([0x2000, 0xFFFF, 0xFFFF, 0xFFFF, 0xFFFF, 0xFFFF, 0xFFFF, 0xFFFF]), true),
            // Documentation 3fff::/20 at both ends, and just past its top.
            (v6([0x3FFF, 0, 0, 0, 0, 0, 0, 0]), false), (v6([0x3FFF, 0x0FFF, 0xFFFF, 0xFFFF, 0xFFFF, 0xFFFF, 0xFFFF, 0xFFFF]), false),
            (v6([0x3FFF, 0x1000, 0, 0, 0, 0, 0, 0]), true), (v6([0x3FFE, 0xFFFF, 0xFFFF, 0xFFFF, 0xFFFF, 0xFFFF, 0xFFFF, 0xFFFF]), true),
            // Documentation 2001:db8::/32 just outside.
            (v6([0x2001, 0x0DB9, 0, 0, 0, 0, 0, 0]), true), (v6([0x2001, 0x0DB7, 0xFFFF, 0xFFFF, 0xFFFF, 0xFFFF, 0xFFFF, 0xFFFF]), true),
        ] as [([UInt8], Bool)])
    func ipv6(_ address: [UInt8], _ isPublic: Bool) {
        #expect(PublicAddress.isPublic(address) == isPublic)
    }

    @Test func resolvesLoopbackNames() {
        let addresses = PublicAddress.resolve("localhost")
        #expect(!addresses.isEmpty)
        #expect(addresses.allSatisfy(PublicAddress.isLoopback))
    }
}
