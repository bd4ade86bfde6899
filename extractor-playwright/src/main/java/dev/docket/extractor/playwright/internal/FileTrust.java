package dev.docket.extractor.playwright.internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.OptionalInt;
import java.util.stream.Stream;

/**
 * Who owns a file and who else may write it, for the directories whose contents Docket runs (the Playwright
 * driver) or deletes (the temp sweep): on a shared machine another user can plant a directory under a name Docket
 * predicts. On file systems without POSIX owners (Windows) nothing is checked.
 */
final class FileTrust {
    private static final Logger log = LoggerFactory.getLogger(FileTrust.class);
    private static final int GROUP_OR_OTHER_WRITE = 0022;
    private static final int GROUP_OR_OTHER_ANY = 0077;
    private static final OptionalInt CURRENT_UID = probeUid();

    private FileTrust() {
    }

    /** This process's user id, if the file system tells owners apart. */
    static OptionalInt currentUid() {
        return CURRENT_UID;
    }

    private static OptionalInt probeUid() {
        try {
            Path probe = Files.createTempFile("docket-uid-", ".probe");
            try {
                return OptionalInt.of((Integer) Files.getAttribute(probe, "unix:uid", LinkOption.NOFOLLOW_LINKS));
            } finally {
                Files.deleteIfExists(probe);
            }
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            try {
                // Linux without a writable temp directory: /proc/self is owned by the process's user
                return OptionalInt.of((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
            } catch (IOException | UnsupportedOperationException | IllegalArgumentException e2) {
                log.debug("cannot tell this process's user id; file ownership is not checked: {}", e.toString());
                return OptionalInt.empty();
            }
        }
    }

    /** The owner uid of {@code p} (the link itself, not followed), or empty when not known. */
    static OptionalInt owner(Path p) {
        if (CURRENT_UID.isEmpty()) {
            return OptionalInt.empty();
        }
        try {
            return OptionalInt.of((Integer) Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS));
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return OptionalInt.empty();
        }
    }

    /** True when {@code p} (not followed) belongs to this process's user, or ownership cannot be told. */
    static boolean ownedByMe(Path p) {
        OptionalInt owner = owner(p);
        return owner.isEmpty() || owner.getAsInt() == CURRENT_UID.getAsInt();
    }

    private static int mode(Path p) throws IOException {
        return (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
    }

    /**
     * Null when code in {@code p} may be run as this user: {@code p} (not followed) is owned by this user or by
     * root and nobody else can write it. Else why not.
     */
    static String whyUntrusted(Path p) {
        if (CURRENT_UID.isEmpty()) {
            return null;
        }
        try {
            if (Files.isSymbolicLink(p)) {
                return p + " is a symbolic link";
            }
            int owner = (Integer) Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS);
            int me = CURRENT_UID.getAsInt();
            if (owner != me && owner != 0) {
                return p + " is owned by uid " + owner + ", not by this user (uid " + me + ") or root";
            }
            int mode = mode(p);
            if ((mode & GROUP_OR_OTHER_WRITE) != 0) {
                return p + " is writable by others (mode " + Integer.toOctalString(mode & 07777) + ")";
            }
            return null;
        } catch (UnsupportedOperationException | IllegalArgumentException e) {
            return null;
        } catch (IOException e) {
            return "cannot read the owner of " + p + ": " + e.getMessage();
        }
    }

    /**
     * Creates {@code dir} (one level, its parent must exist) readable and writable by this user only, or checks
     * that the existing one is such a directory: a real directory (not a link), owned by this user, with no
     * permissions for group and others.
     *
     * @throws IOException saying what is wrong with it when it exists but is not private
     */
    static void ensurePrivateDirectory(Path dir) throws IOException {
        if (CURRENT_UID.isEmpty()) {
            Files.createDirectories(dir);
            return;
        }
        try {
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (FileAlreadyExistsException e) {
            // checked below
        }
        BasicFileAttributes a = Files.readAttributes(dir, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (!a.isDirectory()) {
            throw new IOException(dir + " is not a directory" + (a.isSymbolicLink() ? " (a symbolic link)" : ""));
        }
        int owner = owner(dir).orElse(CURRENT_UID.getAsInt());
        if (owner != CURRENT_UID.getAsInt()) {
            throw new IOException(dir + " is owned by uid " + owner + ", not by this user (uid " + CURRENT_UID.getAsInt() + ")");
        }
        int mode = mode(dir);
        if ((mode & GROUP_OR_OTHER_ANY) != 0) {
            throw new IOException(dir + " is open to other users (mode " + Integer.toOctalString(mode & 07777) + ", expected 700)");
        }
    }

    /** Removes the group and other write permission from everything under {@code tree} (links are not followed). */
    static void removeWriteForOthers(Path tree) throws IOException {
        if (CURRENT_UID.isEmpty()) {
            return;
        }
        try (Stream<Path> all = Files.walk(tree)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                if (Files.isSymbolicLink(p)) {
                    continue;
                }
                int mode = mode(p);
                if ((mode & GROUP_OR_OTHER_WRITE) != 0) {
                    Files.setAttribute(p, "unix:mode", mode & 07777 & ~GROUP_OR_OTHER_WRITE, LinkOption.NOFOLLOW_LINKS);
                }
            }
        } catch (java.io.UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
