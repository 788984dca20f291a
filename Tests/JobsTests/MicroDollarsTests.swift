import Testing

@testable import Jobs

@Suite struct MicroDollarsTests {
    @Test(
        arguments: [
            ("0.15", 150_000), ("0.075", 75_000), ("2.50", 2_500_000), ("0", 0), ("10", 10_000_000), (".5", 500_000),
            ("1.", 1_000_000), ("0.000001", 1), ("0.1234560", 123_456), ("0.30000000", 300_000), ("075", 75_000_000),
            ("9223372036854.775807", Int64.max),
        ] as [(String, Int64)]
    )
    func parse_decimalDollars_isExact(text: String, micros: Int64) {
        #expect(MicroDollars.parse(dollars: text) == micros)
    }

    @Test(arguments: [
        "", ".", "-1", "+1", "1e-3", "1E2", " 1", "1 ", "0.0000001", "0.1234567", "1,5", "1_000", "abc", "0x10",
        "9223372036854.775808", "99999999999999999999", "1.2.3", "$1",
    ])
    func parse_whatCannotBeHeldExactly_isRefused(text: String) {
        #expect(MicroDollars.parse(dollars: text) == nil)
    }

    @Test func parse_valuesThatDoubleGetsWrong_areExact() {
        // 8.2 × 1e6 is 8199999.999999999 in binary floating point; truncating it loses a micro-dollar.
        let viaDouble = Double("8.2")! * 1_000_000
        #expect(Int64(viaDouble) == 8_199_999)
        #expect(MicroDollars.parse(dollars: "8.2") == 8_200_000)
        #expect(MicroDollars.parse(dollars: "4.1") == 4_100_000)
        #expect(MicroDollars.parse(dollars: "0.29") == 290_000)
        #expect(MicroDollars.parse(dollars: "1.005") == 1_005_000)
    }

    @Test(
        arguments: [
            (19, "0.000019"), (0, "0.000000"), (1_500_000, "1.500000"), (-5, "-0.000005"), (123_456_789, "123.456789"),
            (Int64.max, "9223372036854.775807"), (Int64.min, "-9223372036854.775808"),
        ] as [(Int64, String)]
    )
    func format_microDollars_hasSixExactDecimals(micros: Int64, text: String) {
        #expect(MicroDollars.format(micros) == text)
    }

    @Test func formatThenParse_roundTrips() {
        for micros: Int64 in [0, 1, 9, 10, 999_999, 1_000_000, 1_000_001, 31_415_926_535, Int64.max] {
            #expect(MicroDollars.parse(dollars: MicroDollars.format(micros)) == micros)
        }
    }
}
