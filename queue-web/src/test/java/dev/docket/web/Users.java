package dev.docket.web;

/** The test users (hashing takes a while: once per JVM). */
final class Users {
    static final String OPERATOR = "alice";
    static final String OPERATOR_PASSWORD = "correct horse battery staple";
    static final String READER = "bob";
    static final String READER_PASSWORD = "bob's long password";
    static final DashboardAuth AUTH = DashboardAuth.basic()
            .user(OPERATOR, DashboardAuth.hashPassword(OPERATOR_PASSWORD.toCharArray()), DashboardRole.OPERATOR)
            .user(READER, DashboardAuth.hashPassword(READER_PASSWORD.toCharArray()), DashboardRole.READ_ONLY)
            .build();

    private Users() {
    }
}
