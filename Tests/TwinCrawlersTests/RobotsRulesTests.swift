import Testing
import TwinCrawlers

@Suite struct RobotsRulesTests {
  @Test func ourGroupReplacesTheWildcardGroup() {
    let rules = RobotsRules(
      parsing: """
        User-agent: *
        Disallow: /

        User-agent: twinbot
        Disallow: /drafts
        """, userAgent: "TwinBot")
    #expect(rules.allows("/posts/1"))
    #expect(!rules.allows("/drafts/2"))
  }

  @Test func wildcardGroupAppliesWhenNoGroupNamesUs() {
    let rules = RobotsRules(
      parsing: """
        User-agent: Googlebot
        Disallow: /

        User-agent: *
        Disallow: /admin
        """, userAgent: "TwinBot")
    #expect(rules.allows("/"))
    #expect(!rules.allows("/admin/users"))
  }

  @Test func groupsNamingUsAreMergedAndSharedAgentLinesCount() {
    let rules = RobotsRules(
      parsing: """
        User-agent: OtherBot
        User-agent: TwinBot/2.0
        Disallow: /a

        User-agent: *
        Disallow: /b

        user-agent: TWINBOT
        disallow: /c # trailing comment
        """, userAgent: "TwinBot")
    #expect(!rules.allows("/a"))
    #expect(rules.allows("/b"))
    #expect(!rules.allows("/c"))
  }

  @Test func longestMatchWinsAndAllowWinsTies() {
    let rules = RobotsRules(
      parsing: """
        User-agent: *
        Disallow: /shop
        Allow: /shop/public
        Disallow: /shop/public/hidden
        Allow: /tie
        Disallow: /tie
        """, userAgent: "TwinBot")
    #expect(!rules.allows("/shop/cart"))
    #expect(rules.allows("/shop/public/item"))
    #expect(!rules.allows("/shop/public/hidden/x"))
    #expect(rules.allows("/tie"))
  }

  @Test func wildcardsAndEndAnchors() {
    let rules = RobotsRules(
      parsing: """
        User-agent: *
        Disallow: /*.pdf$
        Disallow: /private*/notes
        Disallow: /exact$
        Allow: /*?preview=1
        Disallow: /*?
        """, userAgent: "TwinBot")
    #expect(!rules.allows("/files/report.pdf"))
    #expect(rules.allows("/files/report.pdf.html"))
    #expect(!rules.allows("/private-stuff/notes/today"))
    #expect(rules.allows("/private-stuff/todo"))
    #expect(!rules.allows("/exact"))
    #expect(rules.allows("/exact/more"))
    #expect(!rules.allows("/search?q=x"))
    #expect(rules.allows("/page?preview=1"))
  }

  @Test func emptyDisallowAllowsEverythingAndRobotsTxtIsAlwaysAllowed() {
    let open = RobotsRules(parsing: "User-agent: *\nDisallow:\n", userAgent: "TwinBot")
    #expect(open.rules.isEmpty)
    #expect(open.allows("/anything"))
    let closed = RobotsRules(parsing: "User-agent: *\r\nDisallow: /\r\n", userAgent: "TwinBot")
    #expect(!closed.allows("/anything"))
    #expect(!closed.allows("/"))
    #expect(closed.allows("/robots.txt"))
  }

  @Test func percentEncodingIsNormalisedOnBothSides() {
    let rules = RobotsRules(
      parsing: """
        User-agent: *
        Disallow: /caf%c3%a9
        Disallow: /~joe
        Disallow: /日本
        """, userAgent: "TwinBot")
    #expect(!rules.allows("/caf%C3%A9/menu"))
    #expect(!rules.allows("/%7Ejoe/home"))
    #expect(!rules.allows("/%E6%97%A5%E6%9C%AC"))
    #expect(rules.allows("/cafe"))
  }

  @Test func htmlServedAsRobotsTxtYieldsNoRules() {
    let rules = RobotsRules(
      parsing: "<html><body><p>Not found: the page</p></body></html>", userAgent: "TwinBot")
    #expect(rules.rules.isEmpty)
    #expect(RobotsRules.disallowAll.allows("/x") == false)
    #expect(RobotsRules.allowAll.allows("/x"))
  }
}
