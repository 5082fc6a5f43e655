package dev.eventpipeline.ingest.support;

import io.intercom.api.Event;
import io.intercom.api.EventCollection;
import io.intercom.api.EventSummary;
import io.intercom.api.EventSummaryCollection;
import io.intercom.api.Intercom;
import io.intercom.api.NotFoundException;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Drives GET /events with the unmodified {@code io.intercom:intercom-java:2.8.2}, in a JVM whose classpath
 * is that client and the dependencies it declares (EventListingIT starts it), and prints what it got, one
 * {@code KEY value} line each. Uses nothing but the client and the JDK, so that no class of this project
 * (nor its newer Jackson) is loaded next to it.
 *
 * <p>Arguments: base URI (no trailing slash), token, a user's external id, its email, the per_page.
 */
public final class IntercomJavaListing {

    private IntercomJavaListing() {}

    public static void main(String[] args) {
        Intercom.setApiBaseURI(URI.create(args[0]));
        Intercom.setToken(args[1]);
        String userId = args[2];
        String email = args[3];
        String perPage = args[4];

        // The client's own paging: nextPage() requests pages.next as it is.
        EventCollection page = Event.list(new HashMap<>(Map.of("type", "user", "user_id", userId, "per_page", perPage)));
        List<String> ids = new ArrayList<>();
        int pages = 1;
        collect(page, ids);
        while (page.hasNextPage() && pages < 20) {
            page = page.nextPage();
            pages++;
            collect(page, ids);
        }
        System.out.println("LIST " + String.join(",", ids));
        System.out.println("PAGES " + pages);
        Event newest = Event.list(new HashMap<>(Map.of("type", "user", "email", email, "per_page", "1"))).getPage().get(0);
        System.out.println("NEWEST " + newest.getEventName() + " " + newest.getUserID() + " " + newest.getEmail() + " "
                + newest.getIntercomUserID() + " " + newest.getMetadata().get("n"));

        EventSummaryCollection summary = Event.listSummary(new HashMap<>(Map.of("type", "user", "user_id", userId)));
        List<String> summaries = new ArrayList<>();
        for (EventSummary s : summary.getEventSummaries()) {
            try {
                // The client parses first/last with "yyyy-MM-dd'T'HH:mm:ss.SSSX": milliseconds are required.
                summaries.add(s.getName() + "=" + s.getCount() + "@" + s.getFirstOccurredAt().getTime() / 1000 + ".."
                        + s.getLastOccurredAt().getTime() / 1000);
            } catch (java.text.ParseException e) {
                summaries.add(s.getName() + "=UNPARSEABLE:" + s.getFirstOccurredAtString());
            }
        }
        System.out.println("SUMMARY " + summary.getIntercomUserID() + " " + String.join(",", summaries));

        try {
            Event.list(new HashMap<>(Map.of("type", "user", "user_id", "nobody-" + System.nanoTime())));
            System.out.println("NOTFOUND none");
        } catch (NotFoundException e) {
            System.out.println("NOTFOUND " + e.getFirstError().getCode() + " " + e.getFirstError().getMessage());
        }
        System.out.println("DONE");
    }

    private static void collect(EventCollection page, List<String> ids) {
        for (Event e : page.getPage()) {
            ids.add(e.getId());
        }
    }
}
