package dev.tern.coap.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.coap.CoapServer;
import dev.tern.coap.dtls.Dtls;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
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
 * README.md's "Example: a sensor gateway" (issue 16): its two Java files, read from the README,
 * compiled with {@code -Xlint:all} against tern-core and tern-dtls, run against each other on
 * loopback, and their output compared with the output block the README shows. Under 200 lines.
 */
class ReadmeGatewayExampleTest {
    private static final String SECTION = "## Example: a sensor gateway";

    @TempDir
    Path dir;

    private static String section() throws Exception {
        Path readme = null;
        for (Path d = Path.of("").toAbsolutePath(); d != null && readme == null; d = d.getParent()) {
            if (Files.isRegularFile(d.resolve("README.md")) && Files.isDirectory(d.resolve("tern-dtls"))) {
                readme = d.resolve("README.md");
            }
        }
        assertThat(readme).as("README.md above the working directory").isNotNull();
        String text = Files.readString(readme, StandardCharsets.UTF_8);
        int start = text.indexOf("\n" + SECTION + "\n");
        assertThat(start).as(SECTION).isNotNegative();
        int end = text.indexOf("\n## ", start + SECTION.length() + 2);
        return text.substring(start, end < 0 ? text.length() : end);
    }

    private static List<String> blocks(String section, String language) {
        List<String> blocks = new ArrayList<>();
        Matcher m = Pattern.compile("\n```" + language + "\n(.*?)\n```\n", Pattern.DOTALL).matcher(section);
        while (m.find()) {
            blocks.add(m.group(1));
        }
        return blocks;
    }

    @Test
    @SuppressWarnings("try") // the try-with-resources only closes the gateway, loaded by reflection
    void theGatewayAndItsClientCompileRunAndPrintWhatTheReadmeSays() throws Exception {
        String section = section();
        List<String> sources = blocks(section, "java");
        assertThat(sources).hasSize(2);
        assertThat(String.join("\n", sources).lines().count()).as("gateway + client lines").isLessThan(200);
        List<Path> files = new ArrayList<>();
        for (String source : sources) {
            Matcher name = Pattern.compile("public final class (\\w+)").matcher(source);
            assertThat(name.find()).isTrue();
            files.add(Files.writeString(dir.resolve(name.group(1) + ".java"), source + "\n"));
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        String classpath = location(CoapServer.class) + java.io.File.pathSeparator + location(Dtls.class);
        try (StandardJavaFileManager fm = javac.getStandardFileManager(diagnostics, null, StandardCharsets.UTF_8)) {
            boolean ok = javac.getTask(null, fm, diagnostics, List.of("-classpath", classpath, "-d", dir.toString(),
                    "-Xlint:all", "-proc:none"), null, fm.getJavaFileObjectsFromPaths(files)).call();
            assertThat(diagnostics.getDiagnostics()).isEmpty();
            assertThat(ok).isTrue();
        }

        byte[] key = "gateway-secret".getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream original = System.out;
        try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()}, getClass().getClassLoader())) {
            Class<?> gatewayClass = loader.loadClass("Gateway");
            Object gateway = gatewayClass.getConstructor(int.class, int.class, String.class, byte[].class)
                    .newInstance(0, 0, "gw", key);
            try (AutoCloseable closing = (AutoCloseable) gateway) {
                int coap = (int) gatewayClass.getMethod("coapPort").invoke(gateway);
                int coaps = (int) gatewayClass.getMethod("coapsPort").invoke(gateway);
                System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
                loader.loadClass("GatewayClient")
                        .getMethod("run", String.class, int.class, int.class, String.class, byte[].class)
                        .invoke(null, "127.0.0.1", coap, coaps, "gw", key);
            } finally {
                System.setOut(original);
            }
        }
        String after = section.substring(section.indexOf("Run it with"));
        int open = after.indexOf("\n```\n") + 5;
        List<String> shown = after.substring(open, after.indexOf("\n```\n", open)).lines().toList();
        assertThat(out.toString(StandardCharsets.UTF_8).lines().toList()).containsExactlyElementsOf(shown);
    }

    private static String location(Class<?> c) throws URISyntaxException {
        return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    }
}
