package dev.docket.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every Java code block in README.md and in the pages of docs/ must be compiled code: its lines (trimmed, blank lines and
 * comments skipped) must appear in order in one source file of the project, so a README snippet
 * cannot rot without this test failing.
 */
class ReadmeSnippetsTest {
    private static final Pattern JAVA_BLOCK = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL);

    @Test
    void everyJavaBlockOfTheReadmeIsCompiledSource() throws IOException {
        Path root = Path.of("").toAbsolutePath().getParent();
        StringBuilder docs = new StringBuilder(Files.readString(root.resolve("README.md")));
        try (Stream<Path> pages = Files.list(root.resolve("docs"))) {
            for (Path page : pages.filter(p -> p.toString().endsWith(".md")).sorted().collect(Collectors.toList())) {
                docs.append('\n').append(Files.readString(page));
            }
        }
        String readme = docs.toString();
        List<List<String>> sources;
        try (Stream<Path> files = Files.walk(root)) {
            sources = files.filter(p -> p.toString().endsWith(".java"))
                    .filter(p -> p.toString().contains("/src/"))
                    .map(ReadmeSnippetsTest::lines)
                    .collect(Collectors.toList());
        }
        Matcher m = JAVA_BLOCK.matcher(readme);
        int blocks = 0;
        List<String> missing = new ArrayList<>();
        while (m.find()) {
            blocks++;
            List<String> snippet = normalise(m.group(1));
            if (sources.stream().noneMatch(src -> containsInOrder(src, snippet))) {
                missing.add(String.join("\n", snippet));
            }
        }
        assertThat(blocks).as("README has Java blocks").isGreaterThan(0);
        assertThat(missing).as("README/docs Java blocks not found in any source file").isEmpty();
    }

    private static List<String> lines(Path p) {
        try {
            return normalise(Files.readString(p));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + p, e);
        }
    }

    private static List<String> normalise(String text) {
        List<String> out = new ArrayList<>();
        for (String line : text.split("\n")) {
            String t = line.trim().replaceAll("\\s+", " ");
            if (t.isEmpty() || t.startsWith("//")) {
                continue;
            }
            int comment = t.indexOf(" //");
            if (comment > 0) {
                t = t.substring(0, comment).trim();
            }
            out.add(t);
        }
        return out;
    }

    private static boolean containsInOrder(List<String> source, List<String> snippet) {
        int i = 0;
        for (String line : source) {
            if (i < snippet.size() && line.equals(snippet.get(i))) {
                i++;
            }
        }
        return i == snippet.size();
    }
}
