"""Scrapy settings for gongkai (close to `scrapy startproject`; every deviation says why).

Paths come from the environment the CLI sets for the crawl subprocess:
GONGKAI_DATA (data folder), GONGKAI_DB_URL (database), GONGKAI_RUN_ID (the CrawlRun row).
"""

import os

BOT_NAME = "gongkai"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

# Identify ourselves with a contact URL (template: commented out). Override per deployment.
# GONGKAI_CONTACT_URL: the page where site operators can reach whoever runs this crawl.
USER_AGENT = (
    "gongkai/0.1 (+"
    + os.environ.get("GONGKAI_CONTACT_URL", "https://example.org/gongkai")
    + "; open-data archive of government annual reports)"
)
# Only encodings every reader of the archive can undo (Scrapy also offers br and zstd).
DEFAULT_REQUEST_HEADERS = {
    "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "Accept-Language": "zh-CN,zh;q=0.9,en;q=0.5",
    "Accept-Encoding": "gzip, deflate",
}

# Politeness (template: ROBOTSTXT_OBEY True, CONCURRENT_REQUESTS_PER_DOMAIN 1, DOWNLOAD_DELAY 1).
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 2  # at most 2 in flight per host
DOWNLOAD_DELAY = 1.0
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
RETRY_ENABLED = True
RETRY_TIMES = 2  # bounded; 429 honours Retry-After in crawler.middlewares.RetryAfterMiddleware
# Template/default list minus 429, which RetryAfterMiddleware handles (it waits as told).
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408]
RETRY_AFTER_TIMES = 3  # bounded retries of a 429 / 503+Retry-After
RETRY_AFTER_MAX = 60.0  # never wait longer than this for one Retry-After
DOWNLOAD_TIMEOUT = 60
DOWNLOAD_MAXSIZE = 200 * 1024 * 1024  # a report larger than this is reported, not kept
DOWNLOAD_WARNSIZE = 50 * 1024 * 1024
REDIRECT_MAX_TIMES = 10
DEPTH_LIMIT = 8  # discovery from a home page never needs more; stops endless calendars

DOWNLOADER_MIDDLEWARES = {
    # First on the way out (before robots.txt at 100), so no request - robots.txt and redirect
    # targets included - ever goes to a host outside the site's allowed set.
    "crawler.middlewares.AllowedHostsMiddleware": 50,
    # Right after RobotsTxtMiddleware (100): applies the parsed rules to requests that waited.
    "crawler.middlewares.RobotsGuardMiddleware": 101,
    # Archives every exchange exactly as it crossed the wire: above HttpCompression (590) so the
    # body is still compressed, above HttpCache (900) so a real 304 is seen as a 304.
    "crawler.archiving.WarcArchiveMiddleware": 950,
    # Just below the archiver: sees a 304 after it was archived and substitutes the original.
    "crawler.incremental.IncrementalMiddleware": 945,
    # Below that: challenge pages are archived (evidence) before being reported and dropped.
    "crawler.middlewares.BlockDetectionMiddleware": 940,
    "crawler.middlewares.RetryAfterMiddleware": 930,
    # Before RedirectMiddleware (600) sees a 3xx: a redirect to file://, ftp:// … is refused
    # and counted (Scrapy would hand the 3xx on as a failure).
    "crawler.middlewares.SchemeRedirectMiddleware": 610,
    # After the allowed-hosts check: a per-site cap on requests sent in one run.
    "crawler.middlewares.SiteRequestCapMiddleware": 60,
}
EXTENSIONS = {
    "crawler.stats.SiteStats": 500,  # per-site counts for the run report (GONGKAI_STATS_FILE)
}
ITEM_PIPELINES = {
    "crawler.pipelines.ReportDocumentPipeline": 300,
}

# Requests hash fingerprints the modern way (template value).
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
FEED_EXPORT_ENCODING = "utf-8"
LOG_LEVEL = "INFO"
TELNETCONSOLE_ENABLED = False  # a nightly batch job needs no console port
# Scrapy 2.19's RemoteControl extension opens an HTTP port that runs Python code sent to it.
REMOTE_CONTROL_ENABLED = False

# Only http and https: Scrapy's file/ftp/s3/data handlers would fetch this machine's own files
# (file://host/etc/passwd), hang past DOWNLOAD_TIMEOUT (ftp) or reach other stores (s3).
# None switches off a scheme of DOWNLOAD_HANDLERS_BASE (spiders also drop such links).
DOWNLOAD_HANDLERS = {"file": None, "ftp": None, "s3": None, "data": None}

# Caps (issue 9): a hostile or broken site cannot keep a crawl busy for ever.
GONGKAI_MAX_REQUESTS_PER_SITE = 20_000  # requests sent to one site in one run (then: reported)
GONGKAI_MAX_LINKS_PER_PAGE = 1_000  # report/attachment links taken from one page
# The run (runner, all batches): after this many seconds it is stopped and reported cut short.
GONGKAI_RUN_DEADLINE = 4 * 3600
# After SIGTERM (or the deadline) a crawl process gets this long to close; then it is killed.
GONGKAI_KILL_GRACE = 120
GONGKAI_STATS_INTERVAL = 10.0  # seconds between live statistics snapshots (kept if killed)

# Scrapy's caching resolver, except that a name resolving to a private, loopback or
# link-local address is refused unless its site says allow_private (crawler.netguard).
TWISTED_DNS_RESOLVER = "crawler.netguard.PublicAddressResolver"
