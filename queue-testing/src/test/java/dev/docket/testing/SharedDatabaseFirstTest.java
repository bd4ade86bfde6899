package dev.docket.testing;

class SharedDatabaseFirstTest extends SharedDatabaseBase {
}
