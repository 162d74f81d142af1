package dev.tern.coap.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.coap.CoapClient;
import java.lang.module.Configuration;
import java.lang.module.ModuleFinder;
import java.lang.reflect.Method;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * On the module path, the kit reaches tern-core's codec through the qualified export
 * ({@code exports dev.tern.coap.internal.codec to dev.tern.coap.testkit}); the tests otherwise run on
 * the class path, where every package is open.
 */
class ModulePathTest {
    @Test
    void coapMessageDecodesWhenBothAreNamedModules() throws Exception {
        ModuleFinder finder = ModuleFinder.of(location(CoapMessage.class), location(CoapClient.class),
                location(LoggerFactory.class));
        Configuration cf = ModuleLayer.boot().configuration().resolve(finder, ModuleFinder.of(),
                Set.of("dev.tern.coap.testkit"));
        ModuleLayer layer = ModuleLayer.boot().defineModulesWithOneLoader(cf, ClassLoader.getPlatformClassLoader());
        Class<?> message = layer.findLoader("dev.tern.coap.testkit").loadClass(CoapMessage.class.getName());
        assertThat(message.getModule().getName()).isEqualTo("dev.tern.coap.testkit");
        assertThat(message.getModule().getLayer()).isSameAs(layer);

        Method decode = message.getMethod("decode", byte[].class);
        Object get = decode.invoke(null, (Object) new byte[] {0x40, 0x01, 0x7d, 0x34});
        assertThat(get.toString()).contains("CON-GET", "MID=32052");
        Object encoded = message.getMethod("encode").invoke(get);
        assertThat((byte[]) encoded).containsExactly(0x40, 0x01, 0x7d, 0x34);
    }

    private static Path location(Class<?> c) throws URISyntaxException {
        return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
    }
}
