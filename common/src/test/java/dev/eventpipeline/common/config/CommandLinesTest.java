package dev.eventpipeline.common.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** The shared options and exit-code conventions, on a command built like the services' mains. */
class CommandLinesTest {

    private static final ConfigDef DEF = new ConfigDef()
            .define("batch.size", Type.INT, 1000, Range.between(1, 10_000), Importance.MEDIUM, "records per batch")
            .define("jdbc.url", Type.STRING, "jdbc:sqlite:x.db", Importance.HIGH, "database");

    @Command(name = "demo-service")
    static final class Demo implements Callable<Integer> {
        @Mixin
        ConfigOptions settings;
        AbstractConfig config;
        RuntimeException failure;

        @Override
        public Integer call() {
            config = new AbstractConfig(DEF, settings.load(DEF, Map.of("BATCH_SIZE", "5")), false);
            if (failure != null) {
                throw failure;
            }
            return 0;
        }
    }

    private record Run(int exitCode, String err) {}

    private static Run run(Demo demo, String... args) {
        StringWriter err = new StringWriter();
        CommandLine cli = CommandLines.create(demo);
        cli.setErr(new PrintWriter(err, true));
        cli.setOut(new PrintWriter(new StringWriter(), true));
        return new Run(cli.execute(args), err.toString());
    }

    @Test
    void takes_a_file_and_repeated_settings_with_the_command_line_winning_over_the_environment() {
        Demo demo = new Demo();
        assertThat(run(demo, "--config", "none.properties", "--set", "jdbc.url=jdbc:sqlite:a=b.db", "--set=batch.size=7").exitCode())
                .as("a missing file is a bad setting").isEqualTo(2);
        Demo ok = new Demo();
        assertThat(run(ok, "--set", "jdbc.url=jdbc:sqlite:a=b.db", "--set=batch.size=7").exitCode()).isZero();
        assertThat(ok.config.getInt("batch.size")).isEqualTo(7);
        assertThat(ok.config.getString("jdbc.url")).isEqualTo("jdbc:sqlite:a=b.db");
        assertThat(ok.settings.configFile()).isNull();
        CommandLine.populateCommand(demo, "--config", "x.properties");
        assertThat(demo.settings.configFile()).isEqualTo(Path.of("x.properties"));
    }

    @Test
    void an_unknown_key_exits_with_2_and_one_line_naming_it_and_the_likely_meaning() {
        Run run = run(new Demo(), "--set", "batch.sise=5");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).isEqualTo("demo-service: unknown setting 'batch.sise' in --set; did you mean 'batch.size'?"
                + System.lineSeparator());
    }

    @Test
    void a_bad_value_exits_with_2_naming_the_key_with_credentials_hidden() {
        Run run = run(new Demo(), "--set", "batch.size=0");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err().lines()).singleElement().asString().contains("batch.size");

        Demo demo = new Demo();
        demo.failure = new ConfigException("jdbc.url", "jdbc:postgresql://u:secret@h/db", "unreachable");
        Run hidden = run(demo);
        assertThat(hidden.exitCode()).isEqualTo(2);
        assertThat(hidden.err()).contains("jdbc.url", "jdbc:postgresql://u:[hidden]@h/db").doesNotContain("secret");
    }

    @Test
    void a_usage_error_exits_with_2_and_suggests_the_option_meant() {
        Run run = run(new Demo(), "--sett", "batch.size=5");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).startsWith("demo-service: Unknown options: '--sett'").contains("--set");
        Run malformed = run(new Demo(), "--set", "batch.size");
        assertThat(malformed.exitCode()).isEqualTo(2);
        assertThat(malformed.err()).contains("KEY=VALUE");
    }

    @Test
    void any_other_failure_exits_with_1_and_its_stack_trace() {
        Demo demo = new Demo();
        demo.failure = new IllegalStateException("the database did not answer");
        Run run = run(demo);
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("IllegalStateException: the database did not answer", "\tat ");
    }
}
