package dev.tern.coap.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.coap.CoapServer;
import dev.tern.coap.dtls.Dtls;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Java blocks of README.md's "Security (coaps)" section, read from the README itself,
 * compiled against tern-core and tern-dtls, and the first one run. (They cannot live in
 * tern-core's ReadmeExamplesTest: tern-core does not see tern-dtls.)
 */
class ReadmeDtlsExampleTest {
    private static final String SECTION = "## Security (coaps)";

    @TempDir
    Path dir;

    static List<String> javaBlocks() throws IOException {
        Path readme = readme();
        String text = Files.readString(readme, StandardCharsets.UTF_8);
        int start = text.indexOf("\n" + SECTION + "\n");
        assertThat(start).as("%s in %s", SECTION, readme).isNotNegative();
        int end = text.indexOf("\n## ", start + SECTION.length() + 2);
        String section = text.substring(start, end < 0 ? text.length() : end);
        List<String> blocks = new ArrayList<>();
        Matcher m = Pattern.compile("\n```java\n(.*?)\n```\n", Pattern.DOTALL).matcher(section);
        while (m.find()) {
            blocks.add(m.group(1));
        }
        return blocks;
    }

    private static Path readme() {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            if (Files.isRegularFile(d.resolve("README.md")) && Files.isDirectory(d.resolve("tern-dtls"))) {
                return d.resolve("README.md");
            }
        }
        throw new AssertionError("README.md not found above " + Path.of("").toAbsolutePath());
    }

    @Test
    void theCoapsExamplesCompileAndTheFirstRuns() throws Exception {
        List<String> blocks = javaBlocks();
        assertThat(blocks).as("java blocks in %s", SECTION).hasSize(2);
        StringBuilder source = new StringBuilder("""
                import dev.tern.coap.*;
                import dev.tern.coap.dtls.*;
                import java.nio.charset.StandardCharsets;
                import java.nio.file.Path;

                public class ReadmeDtlsExample {
                """);
        for (int i = 0; i < blocks.size(); i++) {
            source.append("    public static void example").append(i).append("() throws Exception {\n")
                    .append(blocks.get(i)).append("\n    }\n");
        }
        source.append("}\n");
        Path file = Files.writeString(dir.resolve("ReadmeDtlsExample.java"), source);

        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        String classpath = location(CoapServer.class) + java.io.File.pathSeparator + location(Dtls.class);
        try (StandardJavaFileManager files = javac.getStandardFileManager(diagnostics, null, StandardCharsets.UTF_8)) {
            boolean ok = javac.getTask(null, files, diagnostics,
                    List.of("-classpath", classpath, "-d", dir.toString(), "-Xlint:all", "-proc:none"), null,
                    files.getJavaFileObjects(file)).call();
            assertThat(diagnostics.getDiagnostics()).as("compiling\n%s", source).isEmpty();
            assertThat(ok).isTrue();
        }

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream original = System.out;
        try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()}, getClass().getClassLoader())) {
            Method example = loader.loadClass("ReadmeDtlsExample").getMethod("example0");
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            example.invoke(null);
        } finally {
            System.setOut(original);
        }
        assertThat(out.toString(StandardCharsets.UTF_8).lines().toList())
                .containsExactly("dev1", "TLS_PSK_WITH_AES_128_CCM_8");
    }

    private static String location(Class<?> c) throws URISyntaxException {
        return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    }
}
