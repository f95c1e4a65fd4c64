package io.latentwatch.demo;

import java.io.IOException;
import java.net.ServerSocket;

/** Picks the demo's HTTP port: the one asked for when it is free, else any free one. */
final class HttpPorts {
    private HttpPorts() {
    }

    static int availableOr(int wanted) {
        if (wanted <= 0) {
            return wanted;
        }
        try (ServerSocket socket = new ServerSocket(wanted)) {
            socket.setReuseAddress(true);
            return wanted;
        } catch (IOException e) {
            return 0;
        }
    }
}
