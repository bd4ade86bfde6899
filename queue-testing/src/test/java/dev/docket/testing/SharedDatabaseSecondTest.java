package dev.docket.testing;

class SharedDatabaseSecondTest extends SharedDatabaseBase {
}
