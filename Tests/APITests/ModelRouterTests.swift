import Testing

@testable import API
@testable import Jobs

@Suite struct ModelRouterTests {
    let router = ModelRouter(providers: [
        ProviderConfiguration(name: "a", kind: .openai, baseURL: "http://a", models: ["m1", "shared", "org/model"]),
        ProviderConfiguration(name: "b", kind: .openai, baseURL: "http://b", models: ["shared", "m2"]),
    ])

    @Test func route_picksTheFirstProviderListingTheModel() {
        #expect(router.route("shared") == .init(provider: "a", model: "shared", isRewritten: false))
        #expect(router.route("m2") == .init(provider: "b", model: "m2", isRewritten: false))
    }

    @Test func route_withProviderPrefix_picksThatProviderAndTheBareModel() {
        #expect(router.route("b/shared") == .init(provider: "b", model: "shared", isRewritten: true))
        #expect(router.route("a/org/model") == .init(provider: "a", model: "org/model", isRewritten: true))
    }

    @Test func route_withSlashInModelName_matchesTheModelAsWritten() {
        #expect(router.route("org/model") == .init(provider: "a", model: "org/model", isRewritten: false))
    }

    @Test func route_whenUnknown_isNil() {
        #expect(router.route("nope") == nil)
        #expect(router.route("b/m1") == nil)
        #expect(router.route("") == nil)
    }
}
