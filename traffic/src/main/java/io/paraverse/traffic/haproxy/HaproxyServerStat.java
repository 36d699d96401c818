package io.paraverse.traffic.haproxy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * One server line of HAProxy's {@code show stat} CSV.
 *
 * @param backend  the proxy name ({@code pxname})
 * @param server   the server name ({@code svname})
 * @param status   "UP", "DOWN", "DRAIN", "MAINT", "no check", "UP 1/3"... ({@code status})
 * @param sessions current sessions on the server ({@code scur})
 * @param address  the server's address as "ip:port" ({@code addr}); empty when HAProxy does not report it
 */
public record HaproxyServerStat(String backend, String server, String status, int sessions, String address) {

    /** HAProxy sends it traffic: up by its health check, or without a health check at all. */
    public boolean isUp() {
        String s = status.toUpperCase(Locale.ROOT);
        return s.equals("UP") || s.startsWith("UP ") || s.equals("NO CHECK");
    }

    public boolean isMaintenance() {
        return status.toUpperCase(Locale.ROOT).startsWith("MAINT");
    }

    /** Parses the answer to {@code show stat}; frontends and backend summary lines are left out. */
    public static List<HaproxyServerStat> parse(String showStat) {
        String[] lines = showStat.split("\n");
        if (lines.length == 0 || !lines[0].startsWith("# ")) {
            throw new IllegalArgumentException("not a 'show stat' answer: "
                    + (showStat.length() > 200 ? showStat.substring(0, 200) + "..." : showStat).trim());
        }
        List<String> header = Arrays.asList(lines[0].substring(2).split(",", -1));
        int pxname = column(header, "pxname");
        int svname = column(header, "svname");
        int status = column(header, "status");
        int scur = column(header, "scur");
        int addr = header.indexOf("addr"); // absent before HAProxy 1.7
        List<HaproxyServerStat> servers = new ArrayList<>();
        for (int i = 1; i < lines.length; i++) {
            if (lines[i].isBlank()) {
                continue;
            }
            String[] f = lines[i].split(",", -1);
            String name = f[svname];
            if (name.equals("FRONTEND") || name.equals("BACKEND")) {
                continue;
            }
            servers.add(new HaproxyServerStat(f[pxname], name, f[status],
                    f[scur].isEmpty() ? 0 : Integer.parseInt(f[scur]), addr >= 0 && addr < f.length ? f[addr] : ""));
        }
        return servers;
    }

    private static int column(List<String> header, String name) {
        int i = header.indexOf(name);
        if (i < 0) {
            throw new IllegalArgumentException("'show stat' answer has no column " + name);
        }
        return i;
    }
}
