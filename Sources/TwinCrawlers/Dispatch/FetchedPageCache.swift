/// Pages fetched during discovery, kept for the extraction that usually follows, so a page is
/// downloaded once.
///
/// Bounded by count and by bytes; the oldest pages go first. A page is handed out once: after
/// extraction it is no longer needed, and a later crawl should see the page as it is then.
actor FetchedPageCache {
  private let maxEntries: Int
  private let maxBytes: Int
  private var pages: [String: FetchedResource] = [:]
  private var order: [String] = []
  private var bytes = 0

  init(maxEntries: Int, maxBytes: Int) {
    self.maxEntries = maxEntries
    self.maxBytes = maxBytes
  }

  /// Keeps `page` under `link`, evicting the oldest pages to make room. A page larger than the
  /// whole cache is not kept.
  func store(_ page: FetchedResource, for link: String) {
    guard page.body.count <= maxBytes, maxEntries > 0 else { return }
    remove(link)
    while !order.isEmpty && (order.count >= maxEntries || bytes + page.body.count > maxBytes) {
      remove(order[0])
    }
    pages[link] = page
    order.append(link)
    bytes += page.body.count
  }

  /// The page stored under `link`, removed from the cache; nil when absent.
  func take(_ link: String) -> FetchedResource? {
    let page = pages[link]
    remove(link)
    return page
  }

  private func remove(_ link: String) {
    guard let page = pages.removeValue(forKey: link) else { return }
    bytes -= page.body.count
    order.removeAll { $0 == link }
  }
}
