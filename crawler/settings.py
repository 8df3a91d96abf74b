"""Scrapy settings for gongkai (close to `scrapy startproject`; every deviation says why).

Paths come from the environment the CLI sets for the crawl subprocess:
GONGKAI_DATA (data folder), GONGKAI_DB_URL (database), GONGKAI_RUN_ID (the CrawlRun row).
"""

BOT_NAME = "gongkai"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

# Identify ourselves with a contact URL (template: commented out). Override per deployment.
USER_AGENT = "gongkai/0.1 (+https://github.com/gongkai/gongkai; open-data archive of annual reports)"

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
RETRY_TIMES = 2  # bounded; 429 honours Retry-After in the block middleware
DOWNLOAD_TIMEOUT = 60
DOWNLOAD_MAXSIZE = 200 * 1024 * 1024  # a report larger than this is reported, not kept
DOWNLOAD_WARNSIZE = 50 * 1024 * 1024
REDIRECT_MAX_TIMES = 10
DEPTH_LIMIT = 8  # discovery from a home page never needs more; stops endless calendars

DOWNLOADER_MIDDLEWARES = {
    # Archives every exchange exactly as it crossed the wire: above HttpCompression (590) so the
    # body is still compressed, above HttpCache (900) so a real 304 is seen as a 304.
    "crawler.archiving.WarcArchiveMiddleware": 950,
}
ITEM_PIPELINES = {
    "crawler.pipelines.ReportDocumentPipeline": 300,
}

# Requests hash fingerprints the modern way (template value).
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
FEED_EXPORT_ENCODING = "utf-8"
LOG_LEVEL = "INFO"
TELNETCONSOLE_ENABLED = False  # a nightly batch job needs no console port
