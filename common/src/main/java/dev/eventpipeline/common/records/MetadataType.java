package dev.eventpipeline.common.records;

/** Intercom's metadata types, as they appear in the {@code type} field of clean events and definitions. */
public enum MetadataType {
    STRING("string"),
    NUMBER("number"),
    DATE("date"),
    LINK("link"),
    RICH_LINK("rich_link"),
    MONETARY_AMOUNT("monetary_amount");

    private final String wireName;

    MetadataType(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }
}
