// make-signature-images: draws the two PNG images that visible signatures carry under
// Decree 30/2020, Appendix I — the leader's handwritten signature (blue ink) and the
// agency's round red seal at real size — so tests never depend on shipped binary images.
// Output is deterministic: the same arguments always give byte-identical files.

#include <cairo.h>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <functional>
#include <iostream>
#include <memory>
#include <numbers>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <sys/stat.h>
#include <unistd.h>

namespace fs = std::filesystem;

namespace {

constexpr double kMmPerInch = 25.4;
constexpr double kPi = std::numbers::pi;

// Size of the leader's signature box; a signature block on an A4 page is about this big.
constexpr double kSignatureWidthMm = 60.0;
constexpr double kSignatureHeightMm = 25.0;

struct Options {
    fs::path out_dir;
    std::string agency = "SỞ THÔNG TIN VÀ TRUYỀN THÔNG";
    std::string city = "THÀNH PHỐ ĐÀ NẴNG";
    std::string signer = "Nguyễn Văn An";
    double seal_mm = 36.0;
    int dpi = 300;
};

struct Rgb {
    double r, g, b;
};
constexpr Rgb kInkBlue{0x1a / 255.0, 0x3c / 255.0, 0xb4 / 255.0};
constexpr Rgb kSealRed{0xd0 / 255.0, 0x10 / 255.0, 0x10 / 255.0};

struct Point {
    double x, y;
};
Point operator+(Point a, Point b) { return {a.x + b.x, a.y + b.y}; }
Point operator-(Point a, Point b) { return {a.x - b.x, a.y - b.y}; }
Point operator*(double k, Point a) { return {k * a.x, k * a.y}; }
double length(Point a) { return std::hypot(a.x, a.y); }

using SurfacePtr = std::unique_ptr<cairo_surface_t, decltype(&cairo_surface_destroy)>;
using ContextPtr = std::unique_ptr<cairo_t, decltype(&cairo_destroy)>;

int mm_to_px(double mm, int dpi) { return static_cast<int>(std::lround(mm / kMmPerInch * dpi)); }

// A transparent ARGB surface plus a context whose user unit is one millimetre, so all
// drawing code below is resolution-independent.
std::pair<SurfacePtr, ContextPtr> make_canvas(int width_px, int height_px, double px_per_mm) {
    SurfacePtr surface(cairo_image_surface_create(CAIRO_FORMAT_ARGB32, width_px, height_px),
                       cairo_surface_destroy);
    if (cairo_surface_status(surface.get()) != CAIRO_STATUS_SUCCESS)
        throw std::runtime_error("cannot allocate a " + std::to_string(width_px) + "x" +
                                 std::to_string(height_px) + " image");
    ContextPtr cr(cairo_create(surface.get()), cairo_destroy);
    cairo_scale(cr.get(), px_per_mm, px_per_mm);
    // Unhinted outlines and metrics: text follows curves and rotations smoothly, and glyph
    // advances scale linearly with the font size, which the seal's text fitting relies on.
    cairo_font_options_t* font_options = cairo_font_options_create();
    cairo_font_options_set_hint_style(font_options, CAIRO_HINT_STYLE_NONE);
    cairo_font_options_set_hint_metrics(font_options, CAIRO_HINT_METRICS_OFF);
    cairo_font_options_set_antialias(font_options, CAIRO_ANTIALIAS_GRAY);
    cairo_set_font_options(cr.get(), font_options);
    cairo_font_options_destroy(font_options);
    return {std::move(surface), std::move(cr)};
}

void set_colour(cairo_t* cr, Rgb c) { cairo_set_source_rgb(cr, c.r, c.g, c.b); }

bool current_font_covers(cairo_t* cr, const std::string& text) {
    cairo_glyph_t* glyphs = nullptr;
    int count = 0;
    cairo_status_t status = cairo_scaled_font_text_to_glyphs(cairo_get_scaled_font(cr), 0, 0, text.c_str(),
                                                             static_cast<int>(text.size()), &glyphs, &count,
                                                             nullptr, nullptr, nullptr);
    bool covered = status == CAIRO_STATUS_SUCCESS &&
                   std::none_of(glyphs, glyphs + count, [](const cairo_glyph_t& g) { return g.index == 0; });
    cairo_glyph_free(glyphs);
    return covered;
}

// Debian's fonts-liberation (1.07) lacks most Vietnamese letters (ễ, Ố, Ẵ ...) and cairo's toy
// text API never falls back per glyph, so it would print empty boxes. Take the first family
// that has every letter of the text; fail rather than draw boxes on an official seal.
void select_font_covering(cairo_t* cr, std::initializer_list<const char*> families,
                          cairo_font_slant_t slant, cairo_font_weight_t weight, const std::string& text) {
    for (const char* family : families) {
        cairo_select_font_face(cr, family, slant, weight);
        if (current_font_covers(cr, text)) return;
    }
    throw std::runtime_error("no installed font has every letter of \"" + text +
                             "\" (install fonts-liberation2 or fonts-dejavu-core)");
}

// ---------------------------------------------------------------------------------------
// Leader's signature
// ---------------------------------------------------------------------------------------

struct Bezier {
    Point p0, p1, p2, p3;
};

Point bezier_at(const Bezier& b, double t) {
    double u = 1 - t;
    return u * u * u * b.p0 + 3 * u * u * t * b.p1 + 3 * u * t * t * b.p2 + t * t * t * b.p3;
}

// Authoring a scrawl as points the pen passes through is far easier than placing control
// points; Catmull-Rom turns those points into a smooth chain of cubic Béziers.
std::vector<Bezier> smooth_through(const std::vector<Point>& pts) {
    std::vector<Bezier> curve;
    for (size_t i = 0; i + 1 < pts.size(); ++i) {
        Point before = pts[i == 0 ? 0 : i - 1];
        Point after = pts[std::min(i + 2, pts.size() - 1)];
        curve.push_back({pts[i], pts[i] + (1.0 / 6) * (pts[i + 1] - before),
                         pts[i + 1] - (1.0 / 6) * (after - pts[i]), pts[i + 1]});
    }
    return curve;
}

// Tiny deterministic generator (splitmix64) seeded from the signer's name, so each signer
// gets their own scrawl while a given name always gives the same one.
class NameSeededJitter {
public:
    explicit NameSeededJitter(std::string_view name) {
        for (unsigned char c : name) state_ = (state_ ^ c) * 0x100000001b3ULL;  // FNV-1a
    }
    std::uint64_t next() {
        std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        return z ^ (z >> 31);
    }
    /// Uniform in [-1, 1].
    double unit() { return static_cast<double>(next() >> 11) / static_cast<double>(1ULL << 52) - 1.0; }

private:
    std::uint64_t state_ = 0xcbf29ce484222325ULL;
};

// The opening capital: a tall leaning stem whose top curls back into a loop.
std::vector<Point> capital_points(NameSeededJitter& jitter) {
    double lean = 0.8 * jitter.unit();
    return {{2.5, 20.5},       {3.5, 15.0}, {5.0 + lean, 7.5}, {6.8 + lean, 2.6},
            {9.2 + lean, 1.8}, {9.6, 5.0},  {7.5, 10.5},      {4.5, 14.5},
            {4.0, 16.6},       {6.5, 15.8}, {11.0, 12.8}};
}

// The running part: loops like a hurried cursive "ll ll", drawn as a prolate cycloid —
// the pen moves right along the baseline and curls back left at the top of each loop.
std::vector<Point> cursive_run_points(NameSeededJitter& jitter, Point start) {
    int loops = 3 + static_cast<int>(jitter.next() % 3);
    double advance = 27.0 / loops / (2 * kPi);
    std::vector<Point> pts;
    for (int loop = 0; loop < loops; ++loop) {
        double height = 5.5 + 1.8 * jitter.unit() - 0.7 * loop;
        double curl = (1.5 + 0.35 * jitter.unit()) * advance;
        for (int step = (loop == 0 ? 1 : 0); step < 8; ++step) {
            double t = 2 * kPi * loop + step * kPi / 4;
            double rise = height * (1 - std::cos(t)) / 2;
            pts.push_back({start.x + advance * t + curl * std::sin(t), start.y - rise - 0.12 * t});
        }
    }
    return pts;
}

// After the loops the pen drops, then sweeps back left underneath the whole name.
std::vector<Point> underline_points(Point from) {
    return {from,
            {from.x + 3.0, from.y + 1.5},
            {from.x + 4.0, from.y + 5.0},
            {from.x - 1.0, from.y + 7.2},
            {from.x - 14.0, from.y + 8.0},
            {from.x - 27.0, from.y + 7.6},
            {from.x - 35.0, from.y + 6.4}};
}

// Hands lean their writing; shearing every point about the baseline gives the whole
// signature one consistent forward slant.
std::vector<Point> slanted(std::vector<Point> pts) {
    constexpr double kSlant = 0.32;  // about 18 degrees
    constexpr double kBaselineMm = 19.0;
    for (Point& p : pts) p.x += kSlant * (kBaselineMm - p.y);
    return pts;
}

std::vector<std::vector<Bezier>> signature_strokes(const std::string& signer) {
    NameSeededJitter jitter(signer);
    std::vector<Point> main_stroke = capital_points(jitter);
    std::vector<Point> run = cursive_run_points(jitter, main_stroke.back());
    main_stroke.insert(main_stroke.end(), run.begin(), run.end());
    std::vector<Point> underline = underline_points(main_stroke.back());
    main_stroke.insert(main_stroke.end(), underline.begin() + 1, underline.end());
    // A separate short dash across the capital, the way many signatures cross their initial.
    std::vector<Point> dash{{3.0, 10.0}, {7.0, 9.2}, {12.0, 8.8}};
    return {smooth_through(slanted(main_stroke)), smooth_through(slanted(dash))};
}

struct InkSample {
    Point at;
    Point direction;  ///< unit tangent
    double distance;  ///< along the stroke from its start, mm
};

std::vector<InkSample> sample_stroke(const std::vector<Bezier>& stroke) {
    constexpr double kStepMm = 0.03;  // well below a pixel at 300 dpi, so the ink edge is smooth
    std::vector<InkSample> samples;
    double travelled = 0;
    for (const Bezier& b : stroke) {
        double hull = length(b.p1 - b.p0) + length(b.p2 - b.p1) + length(b.p3 - b.p2);
        int steps = std::max(4, static_cast<int>(std::ceil(hull / kStepMm)));
        for (int i = (samples.empty() ? 0 : 1); i <= steps; ++i) {
            Point at = bezier_at(b, static_cast<double>(i) / steps);
            if (!samples.empty()) travelled += length(at - samples.back().at);
            samples.push_back({at, {0, 0}, travelled});
        }
    }
    for (size_t i = 0; i < samples.size(); ++i) {
        Point d = samples[std::min(i + 1, samples.size() - 1)].at - samples[i == 0 ? 0 : i - 1].at;
        double n = length(d);
        samples[i].direction = n > 0 ? (1 / n) * d : Point{1, 0};
    }
    return samples;
}

// Ballpoint ink: downstrokes are pressed harder than upstrokes, and the pen lands and lifts
// in motion, so each stroke starts and ends in a thin tail.
double pen_width_mm(const InkSample& s, double stroke_length) {
    double heaviness = 0.5 + 0.5 * s.direction.y;  // y grows downwards
    double width = 0.24 + 0.46 * heaviness;
    double from_start = std::min(1.0, s.distance / 2.0);
    double to_end = std::min(1.0, (stroke_length - s.distance) / 5.0);
    return width * (0.25 + 0.75 * std::sqrt(from_start)) * (0.15 + 0.85 * std::sqrt(to_end));
}

// Cairo strokes have one fixed width, so the ink is built as a union of overlapping discs
// (all wound the same way) and filled once; one fill keeps anti-aliased edges clean.
void add_ink_stroke(cairo_t* cr, const std::vector<Bezier>& stroke) {
    std::vector<InkSample> samples = sample_stroke(stroke);
    double total = samples.back().distance;
    for (const InkSample& s : samples) {
        cairo_new_sub_path(cr);
        cairo_arc(cr, s.at.x, s.at.y, pen_width_mm(s, total) / 2, 0, 2 * kPi);
    }
}

// The name, small and slanted, under the scrawl — as people often add when signing.
// A long name shrinks to fit rather than being cut off at the image edge.
void draw_signer_name(cairo_t* cr, const std::string& signer) {
    constexpr double kNameSizeMm = 4.2;
    constexpr double kMarginMm = 1.0;
    if (signer.empty()) return;
    select_font_covering(cr, {"Liberation Serif", "DejaVu Serif Condensed", "DejaVu Serif"},
                         CAIRO_FONT_SLANT_ITALIC, CAIRO_FONT_WEIGHT_NORMAL, signer);
    cairo_set_font_size(cr, kNameSizeMm);
    cairo_text_extents_t ext;
    cairo_text_extents(cr, signer.c_str(), &ext);
    double room = kSignatureWidthMm - 2 * kMarginMm;
    if (ext.x_advance > room) cairo_set_font_size(cr, kNameSizeMm * room / ext.x_advance);
    cairo_text_extents(cr, signer.c_str(), &ext);
    cairo_move_to(cr, kSignatureWidthMm - kMarginMm - ext.x_advance, kSignatureHeightMm - 1.2 * kMarginMm);
    cairo_show_text(cr, signer.c_str());
}

SurfacePtr render_leader_signature(const Options& opt) {
    auto [surface, cr] = make_canvas(mm_to_px(kSignatureWidthMm, opt.dpi),
                                     mm_to_px(kSignatureHeightMm, opt.dpi), opt.dpi / kMmPerInch);
    set_colour(cr.get(), kInkBlue);
    cairo_set_fill_rule(cr.get(), CAIRO_FILL_RULE_WINDING);
    for (const auto& stroke : signature_strokes(opt.signer)) add_ink_stroke(cr.get(), stroke);
    cairo_fill(cr.get());
    draw_signer_name(cr.get(), opt.signer);
    cairo_surface_flush(surface.get());
    return std::move(surface);
}

// ---------------------------------------------------------------------------------------
// Agency seal
// ---------------------------------------------------------------------------------------

std::u32string decode_utf8(std::string_view text) {
    std::u32string out;
    for (size_t i = 0; i < text.size();) {
        auto lead = static_cast<unsigned char>(text[i]);
        int extra = lead < 0x80 ? 0 : (lead >> 5) == 0x6 ? 1 : (lead >> 4) == 0xe ? 2 : (lead >> 3) == 0x1e ? 3 : -1;
        if (extra < 0 || i + static_cast<size_t>(extra) >= text.size())
            throw std::runtime_error("text is not valid UTF-8");
        char32_t cp = extra == 0 ? lead : lead & (0x3f >> extra);
        for (int k = 1; k <= extra; ++k) {
            auto cont = static_cast<unsigned char>(text[i + k]);
            if ((cont & 0xc0) != 0x80) throw std::runtime_error("text is not valid UTF-8");
            cp = (cp << 6) | (cont & 0x3f);
        }
        out.push_back(cp);
        i += static_cast<size_t>(extra) + 1;
    }
    return out;
}

std::string encode_utf8(char32_t cp) {
    std::string out;
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xc0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3f));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xe0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
        out += static_cast<char>(0x80 | (cp & 0x3f));
    } else {
        out += static_cast<char>(0xf0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3f));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
        out += static_cast<char>(0x80 | (cp & 0x3f));
    }
    return out;
}

// Seals are lettered in capitals. This covers the Vietnamese alphabet (the only script an
// agency name here uses) without depending on the process locale; other letters pass as is.
char32_t vietnamese_upper(char32_t c) {
    if (c >= U'a' && c <= U'z') return c - 0x20;
    if (c >= 0xe0 && c <= 0xfe && c != 0xf7) return c - 0x20;                     // à á â ã è ...
    if (c == 0x103 || c == 0x111 || c == 0x129 || c == 0x169) return c - 1;      // ă đ ĩ ũ
    if (c == 0x1a1 || c == 0x1b0) return c - 1;                                  // ơ ư
    if (c >= 0x1ea0 && c <= 0x1ef9 && (c & 1)) return c - 1;                     // ạ ả ấ ... ỹ
    return c;
}

bool is_combining_mark(char32_t c) { return c >= 0x300 && c <= 0x36f; }

// Letters of the seal's text, capitalised, one string per printed letter; a letter keeps
// any combining accents that follow it so they rotate with it.
std::vector<std::string> seal_letters(std::string_view text) {
    std::vector<std::string> letters;
    for (char32_t cp : decode_utf8(text)) {
        if (is_combining_mark(cp) && !letters.empty())
            letters.back() += encode_utf8(cp);
        else
            letters.push_back(encode_utf8(vietnamese_upper(cp)));
    }
    return letters;
}

// Geometry of a seal as fractions of its radius (the tests rely on the rings' and star's).
constexpr double kOuterRingWidth = 0.065;
constexpr double kInnerRingRadius = 0.66;
constexpr double kInnerRingWidth = 0.022;
constexpr double kStarRadius = 0.30;
constexpr double kLetterSpacingEm = 0.08;
constexpr double kLetterSqueeze = 0.80;    // seals use tall, narrow capitals
constexpr double kSeparatorGapRad = 0.42;  // room for the small stars between the two texts

void draw_ring(cairo_t* cr, Point centre, double outer_radius, double width) {
    cairo_set_line_width(cr, width);
    cairo_new_sub_path(cr);
    cairo_arc(cr, centre.x, centre.y, outer_radius - width / 2, 0, 2 * kPi);
    cairo_stroke(cr);
}

void draw_star(cairo_t* cr, Point centre, double radius, double rotation) {
    constexpr double kInnerRatio = 0.382;  // the regular pentagram's
    cairo_new_path(cr);  // show_text leaves a current point; the star must not connect to it
    for (int i = 0; i < 10; ++i) {
        double r = (i % 2 == 0) ? radius : radius * kInnerRatio;
        double angle = rotation - kPi / 2 + i * kPi / 5;
        cairo_line_to(cr, centre.x + r * std::cos(angle), centre.y + r * std::sin(angle));
    }
    cairo_close_path(cr);
    cairo_fill(cr);
}

struct TextInk {
    double advance;  ///< sum of letter advances plus spacing, at font size 1
    double above;    ///< highest ink above the baseline (accents on capitals), at size 1
    double below;    ///< lowest ink below the baseline (dot below, as in Ậ), at size 1
};

// Width each letter takes on the seal (squeezed), at the current font size.
std::vector<double> letter_widths(cairo_t* cr, const std::vector<std::string>& letters) {
    std::vector<double> widths;
    for (const std::string& letter : letters) {
        cairo_text_extents_t ext;
        cairo_text_extents(cr, letter.c_str(), &ext);
        widths.push_back(ext.x_advance * kLetterSqueeze);
    }
    return widths;
}

double run_length(const std::vector<double>& widths, double spacing) {
    double total = spacing * (static_cast<double>(widths.size()) - 1);
    for (double w : widths) total += w;
    return total;
}

TextInk measure_letters(cairo_t* cr, const std::vector<std::string>& letters) {
    constexpr double kProbeSize = 10.0;
    cairo_set_font_size(cr, kProbeSize);
    TextInk ink{run_length(letter_widths(cr, letters), kLetterSpacingEm * kProbeSize), 0, 0};
    for (const std::string& letter : letters) {
        cairo_text_extents_t ext;
        cairo_text_extents(cr, letter.c_str(), &ext);
        if (ext.width <= 0) continue;
        ink.above = std::max(ink.above, -ext.y_bearing);
        ink.below = std::max(ink.below, ext.height + ext.y_bearing);
    }
    return {ink.advance / kProbeSize, ink.above / kProbeSize, ink.below / kProbeSize};
}

// Sets letters along a circle, centred at its top or bottom. Text on the top half runs
// clockwise with letter tops outward; on the bottom half it runs anticlockwise with tops
// toward the centre — so both read left to right, as on a real seal.
void draw_arc_text(cairo_t* cr, const std::vector<std::string>& letters, Point centre,
                   double baseline_radius, double spacing_radius, double font_size, bool top) {
    cairo_set_font_size(cr, font_size);
    std::vector<double> widths = letter_widths(cr, letters);
    double spacing = kLetterSpacingEm * font_size;
    double direction = top ? 1.0 : -1.0;
    double cursor = -run_length(widths, spacing) / 2;
    for (size_t i = 0; i < letters.size(); ++i) {
        double angle = (top ? -kPi / 2 : kPi / 2) + direction * (cursor + widths[i] / 2) / spacing_radius;
        cairo_save(cr);
        cairo_translate(cr, centre.x, centre.y);
        cairo_rotate(cr, angle + direction * kPi / 2);
        cairo_scale(cr, kLetterSqueeze, 1);
        cairo_move_to(cr, -widths[i] / kLetterSqueeze / 2, top ? -baseline_radius : baseline_radius);
        cairo_show_text(cr, letters[i].c_str());
        cairo_restore(cr);
        cursor += widths[i] + spacing;
    }
}

struct SealText {
    std::vector<std::string> top, bottom;
};

// Where the seal's letters go. Letter spacing is measured at each text's middle radius
// (half its letters' height off the baseline), so gaps look even along the curve.
struct SealTextLayout {
    double font_size;
    double top_baseline, top_middle;
    double bottom_baseline, bottom_middle;
    double top_span, bottom_span;  ///< angles the two texts cover, radians
};

// Both texts share one font size: the largest that fits the band between the rings in
// height and, in length, the circle less the two separator gaps.
SealTextLayout fit_seal_text(cairo_t* cr, const SealText& text, double radius) {
    double band_inner = radius * (kInnerRingRadius + 0.05);
    double band_outer = radius * (1 - kOuterRingWidth - 0.05);
    TextInk top = measure_letters(cr, text.top);
    TextInk bottom = measure_letters(cr, text.bottom);
    double above = std::max(top.above, bottom.above);
    double below = std::max(top.below, bottom.below);
    double by_height = (band_outer - band_inner) / (above + below);
    double by_length = (2 * kPi - 2 * kSeparatorGapRad) * (band_inner + band_outer) / 2 /
                       (top.advance + bottom.advance);
    SealTextLayout l{};
    l.font_size = std::min(by_height, by_length);
    double slack = (band_outer - band_inner - l.font_size * (above + below)) / 2;
    l.top_baseline = band_inner + slack + l.font_size * below;
    l.top_middle = l.top_baseline + l.font_size * above / 2;
    l.bottom_baseline = band_outer - slack - l.font_size * below;
    l.bottom_middle = l.bottom_baseline - l.font_size * above / 2;
    l.top_span = l.font_size * top.advance / l.top_middle;
    l.bottom_span = l.font_size * bottom.advance / l.bottom_middle;
    return l;
}

// Small stars midway in the two gaps where one text ends and the other begins.
void draw_separator_stars(cairo_t* cr, const SealTextLayout& l, Point centre) {
    double right_gap = (l.top_span - l.bottom_span) / 4;
    double radius = (l.top_middle + l.bottom_middle) / 2;
    for (double angle : {right_gap, kPi - right_gap}) {
        Point at{centre.x + radius * std::cos(angle), centre.y + radius * std::sin(angle)};
        draw_star(cr, at, l.font_size * 0.36, angle + kPi / 2);
    }
}

void draw_seal_text(cairo_t* cr, const SealText& text, Point centre, double radius) {
    std::string all_letters;
    for (const auto* part : {&text.top, &text.bottom})
        for (const std::string& letter : *part) all_letters += letter;
    select_font_covering(cr, {"Liberation Sans Narrow", "DejaVu Sans Condensed", "DejaVu Sans"},
                         CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD, all_letters);
    SealTextLayout l = fit_seal_text(cr, text, radius);
    draw_arc_text(cr, text.top, centre, l.top_baseline, l.top_middle, l.font_size, true);
    draw_arc_text(cr, text.bottom, centre, l.bottom_baseline, l.bottom_middle, l.font_size, false);
    draw_separator_stars(cr, l, centre);
}

SurfacePtr render_agency_seal(const Options& opt) {
    int size_px = mm_to_px(opt.seal_mm, opt.dpi);
    // Scale so the seal's outer edge touches the image edge exactly: its pixel diameter is
    // then the real diameter at the requested resolution, rounded once.
    auto [surface, cr] = make_canvas(size_px, size_px, size_px / opt.seal_mm);
    double radius = opt.seal_mm / 2;
    Point centre{radius, radius};
    set_colour(cr.get(), kSealRed);
    draw_ring(cr.get(), centre, radius, radius * kOuterRingWidth);
    draw_ring(cr.get(), centre, radius * kInnerRingRadius, radius * kInnerRingWidth);
    draw_star(cr.get(), centre, radius * kStarRadius, 0);
    draw_seal_text(cr.get(), {seal_letters(opt.agency), seal_letters(opt.city)}, centre, radius);
    cairo_surface_flush(surface.get());
    return std::move(surface);
}

// ---------------------------------------------------------------------------------------
// Output
// ---------------------------------------------------------------------------------------

void write_all(int fd, const unsigned char* data, size_t size) {
    while (size > 0) {
        ssize_t n = ::write(fd, data, size);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) throw std::runtime_error(std::string("write failed: ") + std::strerror(errno));
        data += n;
        size -= static_cast<size_t>(n);
    }
}

// Readers (and a crashed run) must never see half a file: write beside the target under a
// temporary name, flush to disk, then rename over the target in one step.
void write_atomically(const fs::path& target, const std::function<void(int fd)>& write_content) {
    std::string temp = (target.parent_path() / ("." + target.filename().string() + ".XXXXXX")).string();
    int fd = ::mkstemp(temp.data());
    if (fd < 0) throw std::runtime_error("cannot create a file in " + target.parent_path().string() + ": " + std::strerror(errno));
    try {
        write_content(fd);
        if (::fchmod(fd, 0644) != 0 || ::fsync(fd) != 0)
            throw std::runtime_error("cannot finish " + temp + ": " + std::strerror(errno));
        if (::close(fd) != 0) {
            fd = -1;
            throw std::runtime_error("cannot finish " + temp + ": " + std::strerror(errno));
        }
        fd = -1;
        if (::rename(temp.c_str(), target.c_str()) != 0)
            throw std::runtime_error("cannot replace " + target.string() + ": " + std::strerror(errno));
    } catch (...) {
        if (fd >= 0) ::close(fd);
        ::unlink(temp.c_str());
        throw;
    }
}

struct PngSink {
    int fd;
    std::string error;
};

cairo_status_t png_to_fd(void* closure, const unsigned char* data, unsigned int size) {
    auto* sink = static_cast<PngSink*>(closure);
    try {
        write_all(sink->fd, data, size);
        return CAIRO_STATUS_SUCCESS;
    } catch (const std::exception& e) {
        sink->error = e.what();
        return CAIRO_STATUS_WRITE_ERROR;
    }
}

void write_png(cairo_surface_t* surface, const fs::path& target) {
    write_atomically(target, [&](int fd) {
        PngSink sink{fd, {}};
        cairo_status_t status = cairo_surface_write_to_png_stream(surface, png_to_fd, &sink);
        if (status != CAIRO_STATUS_SUCCESS)
            throw std::runtime_error("cannot write " + target.string() + ": " +
                                     (sink.error.empty() ? cairo_status_to_string(status) : sink.error));
    });
}

// Whole millimetres are written as integers ("36", not "36.0"), as people write them.
nlohmann::json millimetres(double mm) {
    if (mm == std::floor(mm)) return static_cast<std::int64_t>(mm);
    return mm;
}

// PNG files from cairo carry no physical resolution, so the real sizes travel beside them.
nlohmann::json describe_images(const Options& opt) {
    return {{"dpi", opt.dpi},
            {"leader_signature",
             {{"file", "leader-signature.png"},
              {"width_mm", millimetres(kSignatureWidthMm)},
              {"height_mm", millimetres(kSignatureHeightMm)},
              {"width_px", mm_to_px(kSignatureWidthMm, opt.dpi)},
              {"height_px", mm_to_px(kSignatureHeightMm, opt.dpi)}}},
            {"agency_seal",
             {{"file", "agency-seal.png"},
              {"diameter_mm", millimetres(opt.seal_mm)},
              {"diameter_px", mm_to_px(opt.seal_mm, opt.dpi)}}}};
}

void write_json(const nlohmann::json& doc, const fs::path& target) {
    std::string text = doc.dump(2) + "\n";
    write_atomically(target, [&](int fd) {
        write_all(fd, reinterpret_cast<const unsigned char*>(text.data()), text.size());
    });
}

void make_images(const Options& opt) {
    // Render everything before touching the directory, so a drawing failure writes nothing.
    SurfacePtr signature = render_leader_signature(opt);
    SurfacePtr seal = render_agency_seal(opt);
    std::error_code ec;
    fs::create_directories(opt.out_dir, ec);
    if (ec) throw std::runtime_error("cannot create " + opt.out_dir.string() + ": " + ec.message());
    write_png(signature.get(), opt.out_dir / "leader-signature.png");
    write_png(seal.get(), opt.out_dir / "agency-seal.png");
    write_json(describe_images(opt), opt.out_dir / "images.json");
}

// Checked up front so a bad name is reported as such, not as a missing font or a blank seal.
void validate(const Options& opt) {
    if (opt.agency.empty() || opt.city.empty()) throw std::runtime_error("--agency and --city must not be empty");
    for (const std::string* text : {&opt.agency, &opt.city, &opt.signer}) decode_utf8(*text);
}

void add_options(CLI::App& app, Options& opt) {
    app.add_option("--out", opt.out_dir, "Directory to write the images and images.json into")
        ->required();
    app.add_option("--agency", opt.agency, "Agency name set around the top of the seal")
        ->capture_default_str();
    app.add_option("--city", opt.city, "City set around the bottom of the seal")->capture_default_str();
    app.add_option("--signer", opt.signer, "Leader's name written under the signature (empty: none)")
        ->capture_default_str();
    app.add_option("--seal-mm", opt.seal_mm, "Seal diameter in millimetres")
        ->capture_default_str()
        ->check(CLI::Range(10.0, 80.0));
    app.add_option("--dpi", opt.dpi, "Resolution of both images, dots per inch")
        ->capture_default_str()
        ->check(CLI::Range(72, 1200));
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"Draws test images for visible signatures: the leader's signature (blue, "
                 "transparent) and the agency's round red seal at real size, plus images.json "
                 "giving their sizes in millimetres."};
    Options opt;
    add_options(app, opt);
    CLI11_PARSE(app, argc, argv);
    try {
        validate(opt);
        make_images(opt);
    } catch (const std::exception& e) {
        std::cerr << "make-signature-images: " << e.what() << "\n";
        return 1;
    }
    return 0;
}
