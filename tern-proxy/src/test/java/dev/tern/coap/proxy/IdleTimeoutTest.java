package dev.tern.coap.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The gateway's idle timeout ({@link IdleTimeout}) on the embedded channel's clock: no sleeps. */
class IdleTimeoutTest {
    private final List<ChannelPromise> passedOn = new ArrayList<>();

    private EmbeddedChannel channel() {
        EmbeddedChannel ch = new EmbeddedChannel(new ChannelOutboundHandlerAdapter() {
            @Override
            public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
                passedOn.add(promise);
                ctx.write(msg, promise);
            }
        }, new IdleTimeout(10, TimeUnit.SECONDS));
        ch.freezeTime();
        return ch;
    }

    private static void advance(EmbeddedChannel ch, long seconds) {
        ch.advanceTimeBy(seconds, TimeUnit.SECONDS);
        ch.runScheduledPendingTasks();
    }

    @Test
    void aConnectionWithoutTrafficClosesAfterTheTimeoutAndNotBefore() {
        EmbeddedChannel ch = channel();
        advance(ch, 9);
        assertThat(ch.isOpen()).isTrue();
        advance(ch, 1);
        assertThat(ch.isOpen()).isFalse();
    }

    @Test
    void readsAndWritesAreTraffic() {
        EmbeddedChannel ch = channel();
        advance(ch, 8);
        ch.writeInbound("request"); // read at 8 s: idle until 18 s
        advance(ch, 8);
        assertThat(ch.isOpen()).isTrue();
        ch.writeOutbound("response"); // written at 16 s: idle until 26 s
        advance(ch, 9);
        assertThat(ch.isOpen()).isTrue();
        advance(ch, 1);
        assertThat(ch.isOpen()).isFalse();
    }

    @Test
    void aWritesPromiseIsPassedOnAsItCame() {
        EmbeddedChannel ch = channel();
        ChannelPromise voidPromise = ch.voidPromise();
        ch.writeAndFlush("response", voidPromise);
        ChannelPromise real = ch.newPromise();
        ch.writeAndFlush("another", real);
        assertThat(passedOn).containsExactly(voidPromise, real); // no promise of its own, no listener
        assertThat(real.isSuccess()).isTrue();
    }

    @Test
    void removedItNoLongerCloses() {
        EmbeddedChannel ch = channel();
        ch.pipeline().remove(IdleTimeout.class); // an event stream: a quiet resource is not an idle client
        advance(ch, 60);
        assertThat(ch.isOpen()).isTrue();
    }
}
