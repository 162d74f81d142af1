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
                + "</actuators/led>;rt=light-switch,</fw>;rt=fw-";
        Runtime rt = Runtime.getRuntime();
        System.gc();
        long before = rt.totalMemory() - rt.freeMemory();
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) { // one firmware type (fw-0 .. fw-999) per 1000th of the endpoints
            Response r = router.handle(Request.post("coap://rd/rd?ep=node-" + i + "&lt=3600&et=oic.d.sensor")
                    .payload(links + (i % 1000)).contentFormat(40).peer(Rd.address(i & 0xFF)).build()).join();
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
        int rare = 2000;
        for (int i = 0; i < rare; i++) { // the rt index: n / 1000 registrations have this type
            router.handle(Request.get("coap://rd/rd-lookup/res?rt=fw-" + (i % 1000)).peer(Rd.address(1))
                    .build()).join();
        }
        long t4 = System.nanoTime();
        int common = 200;
        for (int i = 0; i < common; i++) { // every registration has it: the first page of a scan
            router.handle(Request.get("coap://rd/rd-lookup/res?rt=light-lux&count=50").peer(Rd.address(1))
                    .build()).join();
        }
        long t5 = System.nanoTime();
        int scans = 100;
        for (int i = 0; i < scans; i++) { // no index applies (a filter on `if` alone): every link is tested
            router.handle(Request.get("coap://rd/rd-lookup/res?if=none").peer(Rd.address(1)).build()).join();
        }
        long t6 = System.nanoTime();
        System.out.printf("%d registrations (4 links each): %.0f registrations/s, %.0f bytes/registration on the heap;"
                        + " resource lookups/s: %.0f by ep (indexed), %.0f by a rare rt (indexed, %d hits),"
                        + " %.0f by a common rt (first 50), %.0f by if alone (a full scan)%n", n,
                n / ((t1 - t0) / 1e9), (after - before) / (double) n, lookups / ((t3 - t2) / 1e9),
                rare / ((t4 - t3) / 1e9), Math.max(1, n / 1000), common / ((t5 - t4) / 1e9),
                scans / ((t6 - t5) / 1e9));
        rd.close();
    }
}
