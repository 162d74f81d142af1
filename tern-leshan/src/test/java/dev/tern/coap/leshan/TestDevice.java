package dev.tern.coap.leshan;

import java.util.Date;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.leshan.client.object.Device;
import org.eclipse.leshan.client.servers.LwM2mServer;
import org.eclipse.leshan.core.request.argument.Arguments;
import org.eclipse.leshan.core.response.ExecuteResponse;
import org.eclipse.leshan.core.response.ReadResponse;

/** The Device object (LwM2M object 3) of the test clients: a clock the test advances, a reboot it counts. */
public final class TestDevice extends Device {
    private volatile long now = 1_700_000_000_000L;
    final AtomicInteger reboots = new AtomicInteger();

    public TestDevice() {
        super("Tern", "test-device", "0001");
    }

    @Override
    public ReadResponse read(LwM2mServer server, int resourceId) {
        if (resourceId == 13) {
            return ReadResponse.success(resourceId, new Date(now));
        }
        return super.read(server, resourceId);
    }

    @Override
    public ExecuteResponse execute(LwM2mServer server, int resourceId, Arguments arguments) {
        if (resourceId == 4) {
            reboots.incrementAndGet();
            return ExecuteResponse.success();
        }
        return super.execute(server, resourceId, arguments);
    }

    @Override
    public java.util.List<Integer> getAvailableResourceIds(org.eclipse.leshan.core.model.ObjectModel model) {
        return java.util.List.of(0, 1, 2, 4, 11, 13, 14, 15, 16);
    }

    /** Moves the clock on a second; observers of /3/0/13 are notified. */
    void tick() {
        now += 1000;
        fireResourceChange(13);
    }

    long now() {
        return now;
    }
}
