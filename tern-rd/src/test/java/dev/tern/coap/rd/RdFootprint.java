package dev.tern.coap.rd;

import dev.tern.coap.Code;
import dev.tern.coap.Request;
import dev.tern.coap.Response;
import dev.tern.coap.Router;

/**
 * By hand: registrations/s, lookups/s and heap per registration through the directory's router
 * (no network), {@code java -cp ... dev.tern.coap.rd.RdFootprint [N]}.
 */
final class RdFootprint {
    private RdFootprint() {
    }

    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        ResourceDirectory rd = ResourceDirectory.builder().maxRegistrations(n).maxRegistrationsPerPeer(n)
                .scheduler(new ManualClock()).build();
        Router router = rd.router();
        String links = "</sensors/temp>;rt=\"temperature-c\";if=sensor;ct=0,</sensors/light>;rt=light-lux;obs,"
                + "</actuators/led>;rt=light-switch,</fw>;rt=fw-update";
        Runtime rt = Runtime.getRuntime();
        System.gc();
        long before = rt.totalMemory() - rt.freeMemory();
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            Response r = router.handle(Request.post("coap://rd/rd?ep=node-" + i + "&lt=3600&et=oic.d.sensor")
                    .payload(links).contentFormat(40).peer(Rd.address(i & 0xFF)).build()).join();
            if (!r.code().equals(Code.CREATED)) {
                throw new IllegalStateException(r.toString());
            }
        }
        long t1 = System.nanoTime();
        System.gc();
        long after = rt.totalMemory() - rt.freeMemory();
        int lookups = 2000;
        long t2 = System.nanoTime();
        for (int i = 0; i < lookups; i++) {
            router.handle(Request.get("coap://rd/rd-lookup/res?ep=node-" + (i * 37 % n) + "&rt=light*")
                    .peer(Rd.address(1)).build()).join();
        }
        long t3 = System.nanoTime();
        int scans = 200;
        for (int i = 0; i < scans; i++) { // no index applies: every registration is tested
            router.handle(Request.get("coap://rd/rd-lookup/res?rt=fw-none*").peer(Rd.address(1))
                    .build()).join();
        }
        long t4 = System.nanoTime();
        System.out.printf("%d registrations (4 links each): %.0f registrations/s, %.0f bytes/registration on the heap;"
                        + " %.0f resource lookups/s by ep (indexed), %.0f by rt alone (a full scan)%n", n,
                n / ((t1 - t0) / 1e9), (after - before) / (double) n, lookups / ((t3 - t2) / 1e9),
                scans / ((t4 - t3) / 1e9));
        rd.close();
    }
}
