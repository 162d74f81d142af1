package dev.tern.coap.cli;

import picocli.CommandLine.IVersionProvider;

/** {@code --version}: the version recorded in the jar's manifest. */
public final class VersionProvider implements IVersionProvider {
    @Override
    public String[] getVersion() {
        String v = VersionProvider.class.getPackage().getImplementationVersion();
        return new String[] {"tern " + (v == null ? "(development build)" : v)};
    }
}
