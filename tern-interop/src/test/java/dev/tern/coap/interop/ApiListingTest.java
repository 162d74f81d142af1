package dev.tern.coap.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.coap.CoapClient;
import dev.tern.coap.dtls.Dtls;
import dev.tern.coap.micrometer.TernMetrics;
import dev.tern.coap.testkit.InMemoryNetwork;
import dev.tern.coap.oscore.OscoreLayer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReader;
import java.lang.module.ModuleReference;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.Member;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The public API of each published library module, kept as a checked-in listing ({@code api/*.api}
 * at the repository root) that the build compares, so that every API change is a visible diff in
 * review. The listing holds every public or protected type and member of the packages the module's
 * {@code module-info} exports. After an intended change, rewrite the listings with
 * {@code mvn verify -pl tern-interop -am -Dtest=ApiListingTest -Dsurefire.failIfNoSpecifiedTests=false -Dtern.api.update=true}
 * and commit them with the change.
 */
class ApiListingTest {

    static Stream<Arguments> modules() {
        return Stream.of(Arguments.of("tern-core", CoapClient.class), Arguments.of("tern-dtls", Dtls.class),
                Arguments.of("tern-testkit", InMemoryNetwork.class),
                Arguments.of("tern-micrometer", TernMetrics.class),
                Arguments.of("tern-oscore", OscoreLayer.class),
                Arguments.of("tern-proxy", dev.tern.coap.proxy.CoapProxy.class),
                Arguments.of("tern-rd", dev.tern.coap.rd.ResourceDirectory.class),
                Arguments.of("tern-cluster", dev.tern.coap.cluster.Cluster.class),
                Arguments.of("tern-leshan", dev.tern.coap.leshan.TernServerEndpointsProvider.class),
                Arguments.of("tern-tcp", dev.tern.coap.tcp.TcpTransports.class));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("modules")
    void thePublicApiMatchesTheCheckedInListing(String artifact, Class<?> anchor) throws IOException {
        String actual = listing(anchor);
        Path file = Peers.repoRoot().resolve("api").resolve(artifact + ".api");
        if (Boolean.getBoolean("tern.api.update")) {
            Files.createDirectories(file.getParent());
            Files.writeString(file, actual, StandardCharsets.UTF_8);
        }
        assertThat(file).as("api/%s.api exists (write it with -Dtern.api.update=true)", artifact).isRegularFile();
        String expected = Files.readString(file, StandardCharsets.UTF_8);
        assertThat(actual)
                .as("the public API of %s differs from api/%s.api: if the change is intended, rewrite the listing "
                        + "with -Dtern.api.update=true (see this test's Javadoc) and commit it", artifact, artifact)
                .isEqualTo(expected);
    }

    /** The listing of the module that {@code anchor} was loaded from (a jar or a classes directory). */
    static String listing(Class<?> anchor) throws IOException {
        Path location;
        try {
            location = Path.of(anchor.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        ModuleReference module = ModuleFinder.of(asModule(location, anchor)).findAll().iterator().next();
        ModuleDescriptor descriptor = module.descriptor();
        // an automatic module (tern-leshan) exports every package, though its descriptor lists none
        Set<String> exported = descriptor.isAutomatic() ? new TreeSet<>(descriptor.packages())
                : descriptor.exports().stream()
                .filter(e -> !e.isQualified())
                .map(ModuleDescriptor.Exports::source)
                .collect(Collectors.toCollection(TreeSet::new));
        List<String> classNames;
        try (ModuleReader reader = module.open(); Stream<String> names = reader.list()) {
            classNames = names.filter(n -> n.endsWith(".class") && !n.endsWith("module-info.class")
                            && !n.startsWith("META-INF/"))
                    .map(n -> n.substring(0, n.length() - ".class".length()).replace('/', '.'))
                    .filter(n -> exported.contains(n.substring(0, n.lastIndexOf('.'))))
                    .sorted()
                    .collect(Collectors.toList());
        }
        StringBuilder out = new StringBuilder();
        out.append("module ").append(descriptor.name()).append('\n');
        for (String p : exported) {
            out.append("exports ").append(p).append('\n');
        }
        for (String name : classNames) {
            Class<?> type = load(name, anchor.getClassLoader());
            if (!isVisible(type)) {
                continue;
            }
            out.append('\n').append(declaration(type)).append('\n');
            for (String member : members(type)) {
                out.append("  ").append(member).append('\n');
            }
        }
        return out.toString();
    }

    /**
     * A classes directory without {@code module-info.class} (a module whose dependencies are not
     * modules, such as tern-leshan's Leshan) as the automatic module its jar is: a temporary jar
     * named by {@code Automatic-Module-Name} = the anchor's package; every package is exported.
     */
    private static Path asModule(Path location, Class<?> anchor) throws IOException {
        if (!Files.isDirectory(location) || Files.exists(location.resolve("module-info.class"))) {
            return location;
        }
        Path jar = Files.createTempFile("api-listing-", ".jar");
        jar.toFile().deleteOnExit();
        java.util.jar.Manifest manifest = new java.util.jar.Manifest();
        manifest.getMainAttributes().put(java.util.jar.Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().putValue("Automatic-Module-Name", anchor.getPackageName());
        try (java.util.jar.JarOutputStream out = new java.util.jar.JarOutputStream(Files.newOutputStream(jar),
                manifest); Stream<Path> files = Files.walk(location)) {
            for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile).sorted()::iterator) {
                String name = location.relativize(f).toString().replace('\\', '/');
                if (name.startsWith("META-INF/")) {
                    continue;
                }
                out.putNextEntry(new java.util.jar.JarEntry(name));
                Files.copy(f, out);
                out.closeEntry();
            }
        }
        return jar;
    }

    private static Class<?> load(String name, ClassLoader loader) {
        try {
            return Class.forName(name, false, loader);
        } catch (ClassNotFoundException e) {
            throw new UncheckedIOException(new IOException("cannot load " + name, e));
        }
    }

    /** Public, and every enclosing type public too (a public nested type of a hidden type is hidden). */
    private static boolean isVisible(Class<?> type) {
        for (Class<?> t = type; t != null; t = t.getDeclaringClass()) {
            if (!Modifier.isPublic(t.getModifiers()) || t.isSynthetic() || t.isAnonymousClass()) {
                return false;
            }
        }
        return true;
    }

    private static String declaration(Class<?> type) {
        StringBuilder d = new StringBuilder(type.toGenericString());
        if (type.getGenericSuperclass() != null && type.getSuperclass() != Object.class && !type.isEnum()
                && !type.isRecord()) {
            d.append(" extends ").append(type.getGenericSuperclass().getTypeName());
        }
        if (type.getGenericInterfaces().length > 0) {
            d.append(type.isInterface() ? " extends " : " implements ").append(Arrays.stream(type.getGenericInterfaces())
                    .map(java.lang.reflect.Type::getTypeName).collect(Collectors.joining(", ")));
        }
        if (type.isSealed()) {
            d.append(" permits ").append(Arrays.stream(type.getPermittedSubclasses()).map(Class::getName)
                    .collect(Collectors.joining(", ")));
        }
        return d.toString();
    }

    private static List<String> members(Class<?> type) {
        Set<String> lines = new TreeSet<>();
        List<Member> all = new ArrayList<>();
        all.addAll(Arrays.asList(type.getDeclaredFields()));
        all.addAll(Arrays.asList(type.getDeclaredConstructors()));
        all.addAll(Arrays.asList(type.getDeclaredMethods()));
        for (Member m : all) {
            int mod = m.getModifiers();
            boolean exposed = Modifier.isPublic(mod) || (Modifier.isProtected(mod) && !Modifier.isFinal(type.getModifiers()));
            if (!exposed || m.isSynthetic() || (m instanceof java.lang.reflect.Method method && method.isBridge())) {
                continue;
            }
            if (m instanceof Field f) {
                lines.add(f.toGenericString());
            } else {
                lines.add(((Executable) m).toGenericString());
            }
        }
        return new ArrayList<>(lines);
    }
}
