import{r as e,t}from"./chunk-QB3YPZ4I-WZbIBVYz.js";import"./chunk-TU62E6Q5-DzYud52M.js";import"./mermaid.core-D4cQwsDo.js";import"./chunk-HFQBQIA3-DBaevLgQ.js";import"./chunk-M57EVK23-BI2VJ0U-.js";import"./chunk-DQASFODM-8gd2zZbg.js";import"./chunk-LEVMRMFU-CVMMjnQl.js";import"./chunk-AXFCVDMN-bjIQa5Ko.js";import"./chunk-X4PVCEUW-B8GZxrV3.js";import"./chunk-STOXU5M4-B1UcUZVm.js";import"./chunk-R3KSYZAL-BhTQox-6.js";import"./chunk-6MUBBAK2-D0RgelIe.js";import"./chunk-BG4553SI-KAWqbVs8.js";import"./d3-selection-Bzr2az2r.js";import{n}from"./chunk-Y2CYZVJY-DsF7k-Jl.js";var r=t({styles:n(t=>`${e(t)}
  .swimlane.cluster:not([data-color-id]) rect {
    stroke: ${t.clusterBorder} !important;
  }
  [data-look="neo"].cluster rect {
    filter: none;
  }
`,`getStyles`)});export{r as diagram};