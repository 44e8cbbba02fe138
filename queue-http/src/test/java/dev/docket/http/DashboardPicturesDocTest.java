package dev.docket.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The pictures {@code docs/operations.md} shows of the dashboard: copies of what {@code
 * DashboardLookBrowserTest} saves, committed, so each must exist, be a PNG and stay small.
 */
class DashboardPicturesDocTest {
  private static final Path DOCS = Path.of("..", "docs");
  private static final Pattern IMAGE = Pattern.compile("!\\[[^]]+]\\((images/[^)]+)\\)");
  private static final long MAX_BYTES = 300_000;

  @Test
  void everyPictureTheOperationsGuideShows_isASmallPng() throws IOException {
    String doc = Files.readString(DOCS.resolve("operations.md"));
    List<String> images = IMAGE.matcher(doc).results().map(m -> m.group(1)).toList();

    assertThat(images)
        .as("pictures of the dashboard in docs/operations.md")
        .contains(
            "images/desktop-overview.png",
            "images/dark-overview.png",
            "images/phone-overview.png",
            "images/desktop-jobs.png",
            "images/desktop-job.png",
            "images/desktop-schedules.png");
    for (String image : images) {
      Path file = DOCS.resolve(image);
      assertThat(file).as("docs/%s", image).isRegularFile();
      assertThat(Files.size(file)).as("bytes in docs/%s", image).isLessThan(MAX_BYTES);
      assertThat(Files.readAllBytes(file))
          .as("docs/%s starts with the PNG signature", image)
          .startsWith(0x89, 'P', 'N', 'G');
    }
  }
}
