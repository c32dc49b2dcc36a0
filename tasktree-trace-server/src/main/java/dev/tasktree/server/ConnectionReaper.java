package dev.tasktree.server;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.component.AbstractLifeCycle;

/**
 * Closes connections that take too long to send a request: a client that trickles a header a byte
 * at a time resets Jetty's idle timeout with every byte, so idleness alone never closes it. A
 * connection has {@code requestMillis} from its opening, or from its previous response, to deliver
 * a complete request; while a request is being answered (an event stream included) it is left
 * alone. Attached to every connector of the server when it starts.
 */
final class ConnectionReaper extends AbstractLifeCycle implements Connection.Listener {

  private final Server server;
  private final long requestMillis;
  private final Map<Connection, Watch> open = new ConcurrentHashMap<>();
  private ScheduledExecutorService timer;

  /** Per connection: the response count last seen, and since when a next request is arriving. */
  private static final class Watch {
    long messagesOut;
    long bytesInAtResponse;
    long arrivingSince;
  }

  ConnectionReaper(Server server, long requestMillis) {
    this.server = server;
    this.requestMillis = requestMillis;
  }

  @Override
  protected void doStart() {
    for (Connector connector : server.getConnectors()) {
      connector.addBean(this);
    }
    timer =
        Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("tasktree-server-reaper").factory());
    long period = Math.max(50, requestMillis / 4);
    timer.scheduleAtFixedRate(this::sweep, period, period, TimeUnit.MILLISECONDS);
  }

  @Override
  protected void doStop() {
    timer.shutdownNow();
    open.clear();
  }

  @Override
  public void onOpened(Connection connection) {
    open.put(connection, new Watch());
  }

  @Override
  public void onClosed(Connection connection) {
    open.remove(connection);
  }

  /** Connections currently open (for tests). */
  int openConnections() {
    return open.size();
  }

  private void sweep() {
    long now = System.nanoTime();
    long limit = TimeUnit.MILLISECONDS.toNanos(requestMillis);
    for (Map.Entry<Connection, Watch> e : open.entrySet()) {
      Connection c = e.getKey();
      Watch w = e.getValue();
      long out = c.getMessagesOut();
      if (out != w.messagesOut) {
        w.messagesOut = out;
        w.bytesInAtResponse = c.getBytesIn();
        w.arrivingSince = 0;
      }
      if (c.getMessagesIn() > out) {
        w.arrivingSince = 0; // a request is being answered (an event stream, a big trace)
      } else if (c.getBytesIn() > w.bytesInAtResponse) {
        // bytes of a request arrived, but not a whole request yet
        if (w.arrivingSince == 0) {
          w.arrivingSince = now;
        } else if (now - w.arrivingSince > limit) {
          c.getEndPoint().close();
        }
      }
      // an idle connection (nothing sent since its last response) is left to the idle timeout
    }
  }
}
