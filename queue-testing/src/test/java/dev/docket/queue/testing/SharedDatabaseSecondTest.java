package dev.docket.queue.testing;

class SharedDatabaseSecondTest extends SharedDatabaseBase {
}
