package dev.docket.queue.testing;

class SharedDatabaseFirstTest extends SharedDatabaseBase {
}
